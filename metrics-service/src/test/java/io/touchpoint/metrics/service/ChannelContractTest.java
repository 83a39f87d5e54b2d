package io.touchpoint.metrics.service;

import java.util.Collection;

import io.touchpoint.conventions.testing.ChannelContract;

/** service.Channel (the channel buckets of the counters and the channel query parameter) is touchpoints.v1's channel list. */
class ChannelContractTest extends ChannelContract {

    @Override
    protected Collection<String> channels() {
        return Channel.wireNames();
    }
}
