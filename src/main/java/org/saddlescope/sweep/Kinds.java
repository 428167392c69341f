package org.saddlescope.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.saddlescope.io.BadInputException;

/** The kinds a sweep can repeat, by name (the command line registers them). */
public final class Kinds {
    private final Map<String, Kind> byName = new LinkedHashMap<>();

    public Kinds(List<Kind> kinds) {
        for (Kind k : kinds) byName.put(k.name(), k);
    }

    public Kind get(String name, String where) {
        Kind k = byName.get(name);
        if (k == null) throw new BadInputException(where + ": unknown kind '" + name + "' (one of " + String.join(", ", names()) + ")");
        return k;
    }

    public List<String> names() {
        return new ArrayList<>(byName.keySet());
    }
}
