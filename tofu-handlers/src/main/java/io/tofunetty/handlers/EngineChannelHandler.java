package io.tofunetty.handlers;

import io.netty.channel.ChannelHandlerContext;
import io.tofunetty.codec.TofuMessage;

/** The engine's end of a data channel's pipeline: routes the tofu events to its {@link DataChannel}. */
final class EngineChannelHandler extends TofuChannelEventHandler {
    private final DataChannel owner;

    EngineChannelHandler(DataChannel owner, int channelNumber, long initialMessageId) {
        super(channelNumber, initialMessageId);
        this.owner = owner;
    }

    @Override
    protected void messageReceived(ChannelHandlerContext ctx, TofuMessage message) {
        owner.receive(message);
    }

    @Override
    protected void messageReturned(ChannelHandlerContext ctx, TofuMessage message) {
        owner.group.deliverReturned(message);
    }

    @Override
    protected void channelClosed(ChannelHandlerContext ctx, TofuMessage closedSignal) {
        owner.finish(closedSignal, closeReason());
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        owner.writabilityChanged();
        ctx.fireChannelWritabilityChanged();
    }
}
