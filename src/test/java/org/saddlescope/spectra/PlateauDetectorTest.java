package org.saddlescope.spectra;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.saddlescope.net.Activation;

class PlateauDetectorTest {
    @Test
    void explore() {
        double[][] strengths = {{4, 2, 1}, {6, 2, 0.7}};
        double[] cs = {0.1, 0.2};
        for (double[] a : strengths) for (double c : cs) {
            TeacherRun t = new TeacherRun(10, 5, 64, a, true, 1);
            LossHistory h = new LossHistory();
            SpectralTracker tr = new SpectralTracker(5, Cadence.parse("log:20"), null, 1);
            long t0 = System.nanoTime();
            t.train(new int[] {10, 16, 16, 16, 5}, Activation.RELU, 1e-2, c, 2, 20000, 3, h, tr);
            System.out.println(java.util.Arrays.toString(a) + " c=" + c + " time " + (System.nanoTime() - t0) / 1e9);
            var r = new PlateauDetector().detect(h);
            for (var p : r.plateaus()) {
                var sn = SpectralTracker.nearest(tr.snapshots(), (long) p.middleStep());
                System.out.println(p + " rank " + sn.bottleneckRank(0.1) + " " + java.util.Arrays.toString(sn.values()[1]));
            }
            r.escapes().forEach(System.out::println);
        }
        TeacherRun t = new TeacherRun(10, 5, 64, new double[] {4, 2, 1}, true, 1);
        LossHistory h = new LossHistory();
        var net = new org.saddlescope.net.Network(new int[] {10, 16, 16, 16, 5}, Activation.RELU, org.saddlescope.linalg.DType.F64);
        t.train(new int[] {10, 16, 16, 16, 5}, Activation.RELU, 0.35, 0.1, 2, 20000, 3, h);
        var r = new PlateauDetector().detect(h);
        System.out.println("large init: " + r.plateaus() + " " + r.escapes());
        var s = h.logBinned();
        for (int i = 0; i < s.size(); i += 20) System.out.printf("%8.0f %.5f %.4f%n", s.step()[i], s.loss()[i], s.normSquared()[i]);
    }
}
