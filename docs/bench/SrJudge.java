package org.saddlescope.trainrun;
import org.saddlescope.linalg.*; import org.saddlescope.net.*; import org.saddlescope.config.*; import org.saddlescope.data.*; import org.saddlescope.loss.*;
import java.util.*;
/**
 * Issue 21: is stochastic rounding of float32 updates plateau-faithful? The depth-6 width-W analogue of the appendix-B
 * plateau (MixedPrecisionTest's: teacher n=128 d=16 out=4 rank 1, σ0 = 0.01, lr 0.005/‖θ‖⁴, full batch) run STEPS
 * steps in float64, mixed, float32 and float32 with stochastic rounding (5 seeds: sr0..sr4); prints each layer's
 * ‖W_ℓ‖² − ‖W_ℓ(0)‖² relative to float64's and the imbalance identity's residual relative to gradient descent's
 * Σ lr²(‖∇_ℓ‖² − ‖∇_{ℓ+1}‖²) (the drift law). Rounding: s = fl(w + u), err exact by TwoSum, moved one ulp towards err
 * with probability |err|/gap (24 random bits from a murmur3 finaliser of (index, step, layer, seed)): unbiased.
 * Not part of the build; compile against the jar:
 *   javac -cp target/saddlescope.jar -d /tmp/srj docs/bench/SrJudge.java
 *   java -cp target/saddlescope.jar:/tmp/srj org.saddlescope.trainrun.SrJudge 3000 32
 */
public class SrJudge {
  static int mix(int x) { x ^= x >>> 16; x *= 0x85ebca6b; x ^= x >>> 13; x *= 0xc2b2ae35; x ^= x >>> 16; return x; }
  static void srAdd(Matrix w, Matrix u, int key) {
    int n = w.size(); java.nio.FloatBuffer wb = w.floatBuffer(), ub = u.floatBuffer();
    for (int k = 0; k < n; k++) {
      float a = wb.get(k), b = ub.get(k);
      float s = a + b, bb = s - a, err = (a - (s - bb)) + (b - bb);
      int sb = Float.floatToRawIntBits(s);
      int dir = ((Float.floatToRawIntBits(err) ^ sb) >> 31) | 1;
      float nb = Float.intBitsToFloat(sb + dir);
      float gap = Math.abs(nb - s);
      float r = (mix(k * 0x9e3779b9 ^ key) >>> 8) * 0x1p-24f;
      wb.put(k, r * gap < Math.abs(err) ? nb : s);
    }
  }
  public static void main(String[] args) {
    Blas.init(1);
    int steps = Integer.parseInt(args[0]); int width = Integer.parseInt(args[1]);
    TrainConfig c = new TrainConfig();
    c.dataset = "teacher:n=128,d=16,out=4,rank=1"; c.hidden = new ArrayList<>(List.of(width, width, width, width, width));
    c.init_scale = 0.01; c.lr = 0.005; c.lr_power = 4; c.steps = steps; c.top_k = 0; c.dtype = Precision.FLOAT64;
    TrainRun.Setup setup = TrainRun.setup(c);
    Network base = setup.buildNetwork(c);
    String[] kinds = {"float64", "mixed", "float32", "sr0", "sr1", "sr2", "sr3", "sr4"};
    double[][] growth = new double[kinds.length][]; double[][] ident = new double[kinds.length][];
    double[] gd = null;
    for (int i = 0; i < kinds.length; i++) {
      String kd = kinds[i];
      Precision p = kd.equals("float64") ? Precision.FLOAT64 : kd.equals("mixed") ? Precision.MIXED : Precision.FLOAT32;
      Network net = base.to(p); int L = net.depth();
      Dataset d = setup.data().train(); Matrix x = d.x().to(p.compute()), t = d.targets().to(p.compute());
      Network.Workspace ws = net.workspace(x.cols()); Matrix dy = Matrix.zeros(p.compute(), t.rows(), t.cols());
      Matrix[] scratch = net.zerosLike();
      double[] start = new double[L + 1]; for (int l = 1; l <= L; l++) start[l] = net.layerPowerSums(l)[0];
      double[] gsum = new double[L + 1];
      for (int s = 0; s < steps; s++) {
        Matrix y = net.forward(x, ws); setup.cost().gradient(y, t, dy);
        double n2 = 0; for (int l = 1; l <= L; l++) n2 += net.layerPowerSums(l)[0];
        double lr = c.lr / Math.pow(n2, c.lr_power / 2);
        final int step = s; final double flr = lr;
        net.backpropagate(ws, dy, (l, delta, input) -> {
          if (kd.startsWith("sr")) {
            Blas.gemm(false, true, -flr, delta, input, 0.0, scratch[l - 1]);
            gsum[l] += scratch[l - 1].frobeniusNorm2();
            int key = mix(mix(step * 7 + l) ^ (kd.charAt(2) * 0x27d4eb2d));
            srAdd(net.weight(l), scratch[l - 1], key);
          } else {
            Blas.gemm(false, true, -flr, delta, input, 0.0, scratch[l - 1]);
            gsum[l] += scratch[l - 1].frobeniusNorm2();
            net.descend(l, flr, delta, input, ws, null);
          }
        });
      }
      growth[i] = new double[L + 1]; ident[i] = new double[L];
      double[] now = new double[L + 1]; for (int l = 1; l <= L; l++) { now[l] = net.layerPowerSums(l)[0]; growth[i][l] = now[l] - start[l]; }
      if (i == 0) gd = gsum.clone();
      for (int l = 1; l < L; l++) ident[i][l] = ((now[l] - now[l + 1]) - (start[l] - start[l + 1])) - (gd[l] - gd[l + 1]);
    }
    for (int i = 0; i < kinds.length; i++) {
      StringBuilder sb = new StringBuilder(String.format("%-8s growth rel. err vs float64:", kinds[i]));
      for (int l = 1; l < growth[i].length; l++) sb.append(String.format(" %+.2e", (growth[i][l] - growth[0][l]) / Math.abs(growth[0][l])));
      sb.append(" | identity residual/|gd| :");
      for (int l = 1; l < ident[i].length; l++) sb.append(String.format(" %.1e", Math.abs(ident[i][l]) / Math.abs(gd[l] - gd[l + 1])));
      System.out.println(sb);
    }
    System.out.print("float64 growth:"); for (int l = 1; l < growth[0].length; l++) System.out.printf(" %.3e", growth[0][l]); System.out.println();
  }
}
