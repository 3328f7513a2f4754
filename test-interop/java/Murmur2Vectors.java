import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

// Prints, for each argument, the Java client's murmur2 of its UTF-8 bytes and the partition its default
// partitioner picks among 4 and 7 partitions, one tab-separated line per key. Used by
// test-interop/producer/murmur2-java.test.ts to check our partitioner against Kafka's own code.
public class Murmur2Vectors {
  public static void main(String[] args) {
    for (String key : args) {
      int h = Utils.murmur2(key.getBytes(StandardCharsets.UTF_8));
      System.out.println(h + "\t" + (Utils.toPositive(h) % 4) + "\t" + (Utils.toPositive(h) % 7));
    }
  }
}
