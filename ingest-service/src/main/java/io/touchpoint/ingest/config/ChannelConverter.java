package io.touchpoint.ingest.config;

import org.eclipse.microprofile.config.spi.Converter;

/** Reads {@code channel=contact_center} the way the contracts spell it. */
public class ChannelConverter implements Converter<Channel> {
    @Override
    public Channel convert(String value) {
        return Channel.fromWire(value);
    }
}
