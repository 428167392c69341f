package org.saddlescope.serve;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of uPlot on the class path, as its WebJar's Maven metadata records it (the pom picks it). */
final class Vendor {
    private Vendor() {}

    static final String UPLOT_VERSION = version("META-INF/maven/org.webjars.npm/uplot/pom.properties");

    private static String version(String resource) {
        try (InputStream in = Vendor.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) return "missing";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "missing");
        } catch (IOException e) {
            return "missing";
        }
    }
}
