package io.touchpoint.journey.service;

import java.util.Collection;

import io.touchpoint.conventions.testing.ChannelContract;

/** StageModel.CHANNELS (the channels a stage rule may name) is touchpoints.v1's channel list. */
class ChannelContractTest extends ChannelContract {

    @Override
    protected Collection<String> channels() {
        return StageModel.CHANNELS;
    }
}
