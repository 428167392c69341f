package org.saddlescope.sweep;

import java.util.Map;

/** One point of a sweep: its place in the grid, its folder name, its axis values and the config it runs. */
public record Point(int index, String name, Map<String, Object> axes, Map<String, Object> config) { }
