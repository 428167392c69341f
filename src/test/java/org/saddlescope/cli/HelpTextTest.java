package org.saddlescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The command line as a newcomer meets it: every command takes --quiet and --verbose; the command list shows a
 * whole sentence for each command; options say what they do for the command at hand (no --out where nothing is
 * made); a mistyped option or command gets the nearest names.
 */
class HelpTextTest {
    /** Every command a user runs (not help, not the containers that only dispatch to subcommands). */
    static List<CommandLine> runnable(CommandLine cl) {
        List<CommandLine> out = new ArrayList<>();
        boolean container = !cl.getSubcommands().isEmpty() && !(cl.getCommand() instanceof java.util.concurrent.Callable);
        if (!container && !(cl.getCommand() instanceof CommandLine.HelpCommand)) out.add(cl);
        for (CommandLine sub : cl.getSubcommands().values()) out.addAll(runnable(sub));
        return out;
    }

    @Test
    void everyCommandTakesQuietAndVerbose() {
        List<CommandLine> all = runnable(Main.commandLine());
        assertTrue(all.size() >= 20, all.size() + " commands");
        for (CommandLine c : all) {
            String name = c.getCommandSpec().qualifiedName();
            assertTrue(c.getCommandSpec().findOption("--quiet") != null && c.getCommandSpec().findOption("-q") != null, name + " has no --quiet");
            assertTrue(c.getCommandSpec().findOption("--verbose") != null, name + " has no --verbose");
        }
    }

    @Test
    void theCommandListShowsWholeSentences() {
        List<CommandLine> lists = new ArrayList<>(), todo = new ArrayList<>(List.of(Main.commandLine()));
        while (!todo.isEmpty()) { // every command list, nested ones too (reproduce, sweep, data)
            CommandLine parent = todo.remove(todo.size() - 1);
            for (CommandLine c : parent.getSubcommands().values()) { lists.add(c); todo.add(c); }
        }
        for (CommandLine c : lists) {
            if (c.getCommand() instanceof CommandLine.HelpCommand) continue;
            CommandLine.Model.UsageMessageSpec u = c.getCommandSpec().usageMessage();
            String shown = u.header().length > 0 ? u.header()[0] : u.description()[0];
            assertTrue(shown.endsWith(".") || shown.endsWith(")"), c.getCommandName() + "'s line in the list is cut: '" + shown + "'");
        }
    }

    @Test
    void optionsSayWhatTheyDoHere() {
        CommandLine top = Main.commandLine();
        CommandLine.Model.CommandSpec check = top.getSubcommands().get("check-theory").getCommandSpec();
        assertNull(check.findOption("--out"), "check-theory writes into RUN: it takes no --out");
        assertFalse(String.join(" ", check.findOption("--threads").description()).contains("train"), "no other command's defaults");
        String trainOut = top.getSubcommands().get("escape").getUsageMessage().replaceAll("\\s+", " ");
        assertTrue(trainOut.contains("default: runs/escape-<time>"), "--out names the command's own default folder");
    }

    @Test
    void aMistypedOptionOrCommandGetsTheNearestNames() {
        assertTrue(CommandLineTest.run("train", "--lr-pwer", "2").err().contains("(did you mean --lr-power?)"));
        assertTrue(CommandLineTest.run("trian").err().contains("(did you mean train?)"));
        assertTrue(CommandLineTest.run("serve", "--prot", "3").err().contains("(did you mean --port?)"));
        assertTrue(CommandLineTest.run("sweep", "status", "--qiuet", "x").err().contains("(did you mean --quiet?)"));
        assertFalse(CommandLineTest.run("train", "--zzzzzzzz").err().contains("did you mean"), "nothing near: no guess");
        assertEquals(List.of("--steps"), Suggestions.nearest("--stpes", List.of("--steps", "--standardize", "--seed"), 3));
        assertEquals(1, Suggestions.distance("trian", "train"), "a swap of neighbours costs one");
    }
}
