package org.saddlescope.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Allowed values of a numeric config field, or of every element of a list field; checked by
 * {@link Configs#check} whatever the value came from (flag, --config file, preset, a run's config.yaml), before a
 * run writes anything. Every double field must also be finite, with or without this annotation.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Bounds {
    double min() default Double.NEGATIVE_INFINITY;

    double max() default Double.POSITIVE_INFINITY;

    /** min itself is not allowed (min = 0, minExclusive: positive). */
    boolean minExclusive() default false;
}
