package org.saddlescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ./saddlescope launcher, with stand-ins for mvn and java on its PATH (no real build): a stale jar is rebuilt
 * without a word when all goes well (Maven's chatter is kept out of the command's output), and a failed build shows
 * Maven's output and exits 1 without running anything.
 */
class LauncherTest {
    record Result(int code, String out, String err) {}

    static Result launch(Path home, String mvnScript) throws Exception {
        Path bin = Files.createDirectories(home.resolve("bin"));
        Files.writeString(bin.resolve("mvn"), "#!/bin/sh\n" + mvnScript);
        Files.writeString(bin.resolve("java"), "#!/bin/sh\necho \"java ran: $*\"\n");
        bin.resolve("mvn").toFile().setExecutable(true);
        bin.resolve("java").toFile().setExecutable(true);
        ProcessBuilder pb = new ProcessBuilder(home.resolve("saddlescope").toString(), "--version");
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        Path out = home.resolve("out.txt"), err = home.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    static Path home(Path tmp) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.copy(Path.of("saddlescope"), home.resolve("saddlescope"));
        home.resolve("saddlescope").toFile().setExecutable(true);
        Files.createDirectories(home.resolve("target"));
        Files.writeString(home.resolve("target/saddlescope.jar"), "old");
        Files.setLastModifiedTime(home.resolve("target/saddlescope.jar"), FileTime.fromMillis(1_000_000));
        Files.createDirectories(home.resolve("src/main"));
        Files.writeString(home.resolve("src/main/Changed.java"), "newer than the jar");
        Files.writeString(home.resolve("pom.xml"), "<project/>");
        return home;
    }

    @Test
    void aRebuildIsSilentAndAFailedOneSaysWhy(@TempDir Path tmp) throws Exception {
        Path home = home(tmp);
        Result ok = launch(home, "echo '[INFO] Scanning for projects...'; echo '[WARNING] noise' >&2; touch target/saddlescope.jar\n");
        assertEquals(0, ok.code(), ok.err());
        assertEquals("", ok.err(), "no build noise (stderr is not a terminal here: not even the one-line note)");
        assertTrue(ok.out().startsWith("java ran: ") && ok.out().contains("--version") && !ok.out().contains("INFO"), ok.out());
        Files.writeString(home.resolve("src/main/Changed.java"), "changed again");
        Files.setLastModifiedTime(home.resolve("target/saddlescope.jar"), FileTime.fromMillis(1_000_000));
        Result bad = launch(home, "echo '[ERROR] COMPILATION ERROR: Foo.java:[3,1] cannot find symbol'; exit 1\n");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("cannot find symbol") && bad.err().contains("the build failed"), bad.err());
        assertEquals("", bad.out(), "nothing ran");
    }
}
