package org.saddlescope.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.saddlescope.io.Json;

/** Reading a finished point's files back (JSON and CSV, as its command wrote them) for its results. */
public final class RunFiles {
    private RunFiles() {}

    /** The JSON file, or a missing node if it is absent or unreadable. */
    public static JsonNode json(Path file) {
        if (!Files.isRegularFile(file)) return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        try {
            return Json.JSON.readTree(file.toFile());
        } catch (IOException e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    /** Rows of a CSV file with a header, as column → text; empty if absent. */
    public static List<Map<String, String>> rows(Path csv) {
        List<Map<String, String>> out = new ArrayList<>();
        if (!Files.isRegularFile(csv)) return out;
        CsvMapper mapper = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);
        List<String[]> lines = new ArrayList<>();
        try (MappingIterator<String[]> it = mapper.readerFor(String[].class).with(CsvSchema.emptySchema()).readValues(csv.toFile())) {
            while (it.hasNext()) lines.add(it.next());
        } catch (IOException e) {
            return out;
        }
        if (lines.isEmpty()) return out;
        String[] header = lines.get(0);
        for (String[] row : lines.subList(1, lines.size())) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int c = 0; c < header.length; c++) m.put(header[c], c < row.length ? row[c] : "");
            out.add(m);
        }
        return out;
    }

    /** A JSON number as a double (NaN when absent, null or written as the text "NaN"). */
    public static double number(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) return Double.NaN;
        if (n.isNumber()) return n.doubleValue();
        try {
            return Double.parseDouble(n.asText());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** A CSV cell as a double (NaN when blank or not a number). */
    public static double number(String s) {
        if (s == null || s.isBlank()) return Double.NaN;
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
