package io.touchpoint.ingest.config;

import java.util.Arrays;
import java.util.Collection;

import io.touchpoint.conventions.testing.ChannelContract;

/** config.Channel (source channels, the channel of every record ingest writes) is touchpoints.v1's channel list. */
class ChannelContractTest extends ChannelContract {

    @Override
    protected Collection<String> channels() {
        return Arrays.stream(Channel.values()).map(Channel::wire).toList();
    }
}
