package org.saddlescope.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The one-line description of a config field: the field is declared once (name, type, default in its initialiser)
 * and this line is its help everywhere it appears (the command's --help, the config reference). The command line
 * option is --name-with-dashes, the YAML key is the field name.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Help {
    String value();
}
