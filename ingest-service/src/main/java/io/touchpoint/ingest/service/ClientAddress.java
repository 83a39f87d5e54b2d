package io.touchpoint.ingest.service;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Client IP anonymisation, as analytics tools do it: keep the network, drop the host. */
final class ClientAddress {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private ClientAddress() {
    }

    /**
     * IPv4: the last octet becomes 0 ({@code 203.0.113.7} → {@code 203.0.113.0}); IPv6: only the
     * first 48 bits are kept. Anything that is not an address literal is dropped entirely (null), so
     * a hostname or junk never passes through un-anonymised.
     */
    static String anonymise(String ip) {
        String text = ip.trim();
        if (IPV4.matcher(text).matches()) {
            return text.substring(0, text.lastIndexOf('.')) + ".0";
        }
        if (text.indexOf(':') >= 0 && text.matches("[0-9a-fA-F:.]+")) {
            try {
                byte[] bytes = InetAddress.getByName(text).getAddress();
                if (bytes.length == 16) {
                    for (int i = 6; i < 16; i++) {
                        bytes[i] = 0;
                    }
                    return InetAddress.getByAddress(bytes).getHostAddress();
                }
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return null;
    }
}
