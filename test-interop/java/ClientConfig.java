import java.io.FileReader;
import java.io.IOException;
import java.io.Reader;
import java.util.Properties;

// Extra client properties for our Java programs (security.protocol, sasl.*, ssl.*), read from the properties file
// named by the system property kd.client.config, when it is set: java -Dkd.client.config=FILE Produce ...
final class ClientConfig {
  private ClientConfig() {}

  static Properties withExtra(Properties props) throws IOException {
    String file = System.getProperty("kd.client.config");
    if (file != null) {
      try (Reader r = new FileReader(file)) {
        props.load(r);
      }
    }
    return props;
  }
}
