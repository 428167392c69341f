// The plateaus and escapes this version's detector finds in train runs' step logs (as hessian, check-theory and
// bench-detector see them): one line per plateau (index, start, end, loss) and per escape (start, middle, end).
// Run: java -cp saddlescope.jar docs/scripts/Plateaus.java RUN...
import java.nio.file.Path;
import java.util.Locale;
import org.saddlescope.spectra.PlateauDetector;
import org.saddlescope.trainrun.SpectraAddon;

public class Plateaus {
    public static void main(String[] a) {
        for (String r : a) {
            PlateauDetector.Result d = SpectraAddon.detect(Path.of(r), 0, PlateauDetector.Settings.defaults());
            for (PlateauDetector.Plateau p : d.plateaus())
                System.out.printf(Locale.ROOT, "%s plateau %d steps %.0f-%.0f loss %.4f%n", Path.of(r).getFileName(), p.index(), p.startStep(), p.endStep(), p.loss());
            for (PlateauDetector.Escape e : d.escapes())
                System.out.printf(Locale.ROOT, "%s escape %d steps %.0f/%.0f/%.0f onset %.0f loss %.4f -> %.4f%n", Path.of(r).getFileName(), e.number(), e.startStep(), e.middleStep(), e.endStep(), e.onsetStep(), e.lossBefore(), e.lossAfter());
        }
    }
}
