package org.saddlescope.config;

/** A config whose fields depend on each other: {@link Configs#merge} calls this after the per-field checks. */
public interface Validated {
    /** Throws {@link BadInputException} naming the field; {@code where} names the source (a file, "arguments"). */
    void validate(String where);
}
