package io.tofunetty.afd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoop;
import io.netty.channel.FileRegion;
import io.netty.channel.IoRegistration;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.LeakPresenceDetector;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.UncheckedBooleanSupplier;
import io.netty.util.internal.StringUtil;
import io.tofunetty.afd.internal.poll.AfdCounters;
import io.tofunetty.afd.internal.socket.SocketSendBuffers;
import io.tofunetty.afd.internal.win32.Win32Errors;
import io.tofunetty.afd.internal.socket.WinsockExceptions;
import io.tofunetty.afd.internal.socket.WinsockSocket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.Executor;

import static io.netty.channel.internal.ChannelUtils.MAX_BYTES_PER_GATHERING_WRITE_ATTEMPTED_LOW_THRESHOLD;
import static io.netty.channel.internal.ChannelUtils.WRITE_STATUS_SNDBUF_FULL;

/**
 * A TCP stream on a Winsock socket: reads by recv() straight into direct buffers, writes by send()/WSASend() from
 * the outbound buffer's memory (gathering up to {@link SocketSendBuffers#MAX_BUFFERS} buffers per call), sends
 * file regions through {@link FileRegion#transferTo}, and supports half-closure.
 *
 * <p>Writes follow Netty's epoll transport: at most {@code writeSpinCount} send calls per flush; when the socket's
 * send buffer is full, SEND is polled and the flush resumes when it fires; when the spin count runs out first, a
 * flush task is queued so other channels get their turn.
 */
abstract class AbstractAfdStreamChannel extends AbstractAfdChannel implements DuplexChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
    private static final String EXPECTED_TYPES = " (expected: " + StringUtil.simpleClassName(ByteBuf.class) + ", "
            + StringUtil.simpleClassName(FileRegion.class) + ')';
    /** Bits polled for the whole connected life of a stream, until handled: peer FIN and reset. */

    private final Runnable flushTask = () -> ((AbstractAfdUnsafe) unsafe()).flush0();
    private WritableByteChannel byteChannel;
    private long maxBytesPerGatheringWrite = 256 * 1024;

    /** The overlapped receive while this channel reads by completion on its current loop, else null. */
    private CompletionReader reader;
    /** What the loop offered at registration ({@link AfdIoHandler.CompletionReadable}); taken by onRegistered. */
    private CompletionReads loopReads;
    /** What a receive got that the pipeline has not seen yet (completion reads; see the class). */
    private final CarriedReceive carried = new CarriedReceive();
    /** A completion read batch is running: a read() from the pipeline only marks the read pending. Loop thread. */
    private boolean inReadBatch;

    /** A channel on an accepted (connected) socket. */
    AbstractAfdStreamChannel(Channel parent, WinsockSocket socket) {
        super(parent, socket, true, AfdIoOps.STICKY);
    }

    /** A channel on a new, not yet connected socket. */
    AbstractAfdStreamChannel(WinsockSocket socket) {
        super(null, socket, false, 0);
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    final int readBit() {
        return AfdIoOps.RECEIVE;
    }

    @Override
    void onActive() {
        if (reader != null) {
            readOn();
        } else if (!carried.isExpected()) {
            setFlag(AfdIoOps.STICKY);
        }
    }

    /** Whether this channel may read by overlapped receives (TCP); AF_UNIX streams always read by polls. */
    boolean completionReadsSupported() {
        return false;
    }

    /** Whether the channel reads by overlapped receives on its current loop (tests, diagnostics). */
    final boolean readsByCompletion() {
        return reader != null;
    }

    @Override
    void onRegistered(IoRegistration registration) {
        CompletionReads reads = completionReadsSupported() ? loopReads : null;
        loopReads = null;
        reader = reads != null ? reads.open(socket, (AfdStreamUnsafe) unsafe()) : null;
        if (carried.blocksReading() || reader != null && config().isAutoRead()) {
            replaceFlags(AfdIoOps.READ, 0); // the receive (or what is carried) comes first
        } else if (isActive()) {
            // Polls: with autoRead off a completion channel reads by polls too, and sees the FIN without a read().
            replaceFlags(reader != null ? AfdIoOps.RECEIVE : 0, AfdIoOps.STICKY);
        }
    }

    @Override
    void onDeregistered() {
        CompletionReader r = reader;
        if (r == null) {
            return;
        }
        reader = null;
        if (isOpen() && isActive()) {
            if (r.detach()) {
                carried.expect();
            }
        } else {
            r.close();
        }
    }

    @Override
    protected void doClose() throws Exception {
        try {
            super.doClose();
        } finally {
            // Deregistration closed it unless the registration was already gone (LOCAL_CLOSE): the socket is closed
            // now, which cancels a posted receive, whose packet then frees its memory.
            CompletionReader r = reader;
            if (r != null) {
                reader = null;
                r.close();
            }
            carried.release();
        }
    }

    @Override
    protected void doBeginRead() throws Exception {
        if (reader == null && !carried.blocksReading()) {
            super.doBeginRead();
            return;
        }
        ((AbstractAfdUnsafe) unsafe()).readPending = true;
        if (carried.isExpected()) {
            return; // resumes when the previous loop's receive has ended
        }
        if (carried.isHeld()) {
            eventLoop().execute(this::deliverCarried);
            return;
        }
        if (isActive() && !inReadBatch) {
            readOn(); // inside a batch the batch's end decides
        }
    }

    /**
     * Keeps one receive posted while autoRead is on (completion mode). Loop thread. With autoRead off the channel
     * reads by polls and recv(), as in poll mode: a receive posted ahead of read() would take data the pipeline did
     * not ask for, and the STICKY poll reports the peer's FIN without a read() (Netty's epoll does the same).
     */
    final void startReceive() {
        CompletionReader r = reader;
        AfdStreamUnsafe unsafe = (AfdStreamUnsafe) unsafe();
        if (r == null || r.isPosted() || carried.blocksReading() || !isOpen() || !isActive()
                || socket.isInputShutdown() || !config().isAutoRead()) {
            return;
        }
        ByteBuf buf = null;
        if (!r.isIdle()) {
            // A data receive: the buffer the allocator predicts, written by the kernel when data comes (a new or
            // idle connection gets a zero-byte receive instead, which pins nothing).
            buf = unsafe.recvBufAllocHandle().allocate(config().getAllocator());
            if (!buf.hasMemoryAddress()) {
                buf.release();
                buf = null;
            }
        }
        int result = r.post(buf);
        if (result == CompletionReader.PENDING) {
            return;
        }
        // Completed at once, outside a read batch (this may run in read() or in channelActive): carry it to a task.
        if (result == CompletionReader.FAILED) {
            if (buf != null) {
                buf.release();
            }
            carried.hold(null, 0, r.failure(), false);
        } else {
            carried.hold(buf, r.completedBytes(), null, buf == null);
        }
        eventLoop().execute(this::deliverCarried);
    }

    /** Delivers the carried data or failure on the channel's loop, then reads on as the current mode does. */
    private void deliverCarried() {
        if (!eventLoop().inEventLoop()) {
            eventLoop().execute(this::deliverCarried);
            return;
        }
        if (!isRegistered()) {
            return; // delivered when the channel reads on its next loop
        }
        CarriedReceive.Taken taken = carried.take();
        if (taken == null) {
            return;
        }
        AfdStreamUnsafe unsafe = (AfdStreamUnsafe) unsafe();
        if (!isOpen()) {
            if (taken.buffer() != null) {
                taken.buffer().release();
            }
        } else if (taken.failure() != null) {
            unsafe.receiveFailed(taken.failure());
        } else if (taken.buffer() != null) {
            unsafe.received(taken.buffer(), taken.bytes());
        } else if (taken.readable()) {
            unsafe.readable();
        } else {
            readOn();
        }
    }

    /** After a batch: keep reading in the current mode if the pipeline wants more. */
    private void readOn() {
        if (!isOpen() || !isActive() || carried.blocksReading()) {
            return;
        }
        AbstractAfdUnsafe unsafe = (AbstractAfdUnsafe) unsafe();
        if (reader != null && config().isAutoRead()) {
            clearFlag(AfdIoOps.READ); // the receive reports data, the FIN and resets
            startReceive();
        } else if (reader != null && reader.isPosted()) {
            // posted while autoRead was on: it reports first (and is carried until a read() if nobody asks)
        } else {
            setFlag(AfdIoOps.STICKY);
            if (unsafe.readPending || reader == null && config().isAutoRead()) {
                unsafe.readPending = true;
                setFlag(AfdIoOps.RECEIVE);
            }
        }
    }

    /** The gathering-write byte limit, adapted to what the socket accepts (event loop only). */
    final long maxBytesPerGatheringWrite() {
        return maxBytesPerGatheringWrite;
    }

    final void maxBytesPerGatheringWrite(long value) {
        maxBytesPerGatheringWrite = value;
    }

    // ---------------------------------------------------------------------------------------------- writing

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        int writeSpinCount = config().getWriteSpinCount();
        do {
            int msgCount = in.size();
            if (msgCount > 1 && in.current() instanceof ByteBuf) {
                writeSpinCount -= doWriteMultiple(in);
            } else if (msgCount == 0) {
                clearFlag(AfdIoOps.SEND);
                return;
            } else {
                writeSpinCount -= doWriteSingle(in);
            }
        } while (writeSpinCount > 0);

        if (writeSpinCount == 0) {
            // The spin count ran out with the socket still accepting data: let other channels run first.
            clearFlag(AfdIoOps.SEND);
            eventLoop().execute(flushTask);
        } else {
            // The send buffer is full: resume when the poll reports SEND.
            setFlag(AfdIoOps.SEND);
        }
    }

    /** One message: a ByteBuf or a FileRegion. Returns the spin-count cost (see Netty's epoll transport). */
    protected int doWriteSingle(ChannelOutboundBuffer in) throws Exception {
        Object msg = in.current();
        if (msg instanceof ByteBuf) {
            return writeBytes(in, (ByteBuf) msg);
        } else if (msg instanceof DefaultFileRegion) {
            return writeDefaultFileRegion(in, (DefaultFileRegion) msg);
        } else if (msg instanceof FileRegion) {
            return writeFileRegion(in, (FileRegion) msg);
        }
        throw new Error("unexpected message type: " + StringUtil.className(msg));
    }

    private int writeBytes(ChannelOutboundBuffer in, ByteBuf buf) throws IOException {
        int readable = buf.readableBytes();
        if (readable == 0) {
            in.remove();
            return 0;
        }
        long written;
        if (buf.hasMemoryAddress()) {
            written = socket.send(buf.memoryAddress() + buf.readerIndex(), readable);
        } else if (buf.nioBufferCount() == 1) {
            ByteBuffer nio = buf.internalNioBuffer(buf.readerIndex(), readable);
            written = socket.send(SocketSendBuffers.address(nio) + nio.position(), readable);
        } else {
            SocketSendBuffers buffers = SocketSendBuffers.forCurrentThread().clear(maxBytesPerGatheringWrite());
            buffers.add(buf);
            if (buffers.count() == 0) {
                in.removeBytes(0);
                return 0;
            }
            long attempted = buffers.size();
            written = buffers.send(socket);
            if (written > 0) {
                adjustMaxBytesPerGatheringWrite(attempted, written, buffers.maxBytes());
            }
        }
        AfdCounters.recordSend(readable, written);
        if (written > 0) {
            in.removeBytes(written);
            return 1;
        }
        return WRITE_STATUS_SNDBUF_FULL;
    }

    private int doWriteMultiple(ChannelOutboundBuffer in) throws Exception {
        SocketSendBuffers buffers = SocketSendBuffers.forCurrentThread().clear(maxBytesPerGatheringWrite());
        in.forEachFlushedMessage(buffers);
        if (buffers.count() == 0) {
            in.removeBytes(0); // only empty buffers: drop them
            return 0;
        }
        long attempted = buffers.size();
        long written = buffers.send(socket);
        AfdCounters.recordSend(attempted, written);
        if (written > 0) {
            adjustMaxBytesPerGatheringWrite(attempted, written, buffers.maxBytes());
            in.removeBytes(written);
            return 1;
        }
        return WRITE_STATUS_SNDBUF_FULL;
    }

    private void adjustMaxBytesPerGatheringWrite(long attempted, long written, long oldMax) {
        // Grow while everything is accepted; shrink when the socket takes less than half (as Netty's epoll does).
        if (attempted == written) {
            if (attempted << 1 > oldMax) {
                maxBytesPerGatheringWrite(Math.min(attempted << 1, Integer.MAX_VALUE));
            }
        } else if (attempted > MAX_BYTES_PER_GATHERING_WRITE_ATTEMPTED_LOW_THRESHOLD && written < attempted >>> 1) {
            maxBytesPerGatheringWrite(attempted >>> 1);
        }
    }

    private int writeDefaultFileRegion(ChannelOutboundBuffer in, DefaultFileRegion region) throws Exception {
        long offset = region.transferred();
        long count = region.count();
        if (offset >= count) {
            in.remove();
            return 0;
        }
        long flushed = region.transferTo(byteChannel(), offset);
        if (flushed > 0) {
            in.progress(flushed);
            if (region.transferred() >= count) {
                in.remove();
            }
            return 1;
        } else if (flushed == 0) {
            // Nothing sent: either the socket is full or the file shrank (which this reports as an IOException).
            validateFileRegion(region, offset);
        }
        return WRITE_STATUS_SNDBUF_FULL;
    }

    private int writeFileRegion(ChannelOutboundBuffer in, FileRegion region) throws Exception {
        if (region.transferred() >= region.count()) {
            in.remove();
            return 0;
        }
        long flushed = region.transferTo(byteChannel(), region.transferred());
        if (flushed > 0) {
            in.progress(flushed);
            if (region.transferred() >= region.count()) {
                in.remove();
            }
            return 1;
        }
        return WRITE_STATUS_SNDBUF_FULL;
    }

    private WritableByteChannel byteChannel() {
        if (byteChannel == null) {
            byteChannel = new SocketByteChannel();
        }
        return byteChannel;
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof ByteBuf) {
            ByteBuf buf = (ByteBuf) msg;
            // Sends go by native address: heap buffers (and direct ones split into too many pieces) are copied.
            boolean copy = !buf.hasMemoryAddress()
                    && (!buf.isDirect() || buf.nioBufferCount() > SocketSendBuffers.MAX_BUFFERS);
            return copy ? newDirectBuffer(buf) : buf;
        }
        if (msg instanceof FileRegion) {
            return msg;
        }
        throw new UnsupportedOperationException(
                "unsupported message type: " + StringUtil.simpleClassName(msg) + EXPECTED_TYPES);
    }

    // ---------------------------------------------------------------------------------------------- shutdown

    @Override
    protected final void doShutdownOutput() throws Exception {
        socket.shutdown(false, true);
    }

    @Override
    public boolean isOutputShutdown() {
        return socket.isOutputShutdown();
    }

    @Override
    public boolean isInputShutdown() {
        return socket.isInputShutdown();
    }

    @Override
    public boolean isShutdown() {
        return socket.isShutdown();
    }

    @Override
    public ChannelFuture shutdownOutput() {
        return shutdownOutput(newPromise());
    }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            ((AbstractUnsafe) unsafe()).shutdownOutput(promise);
        } else {
            loop.execute(() -> ((AbstractUnsafe) unsafe()).shutdownOutput(promise));
        }
        return promise;
    }

    @Override
    public ChannelFuture shutdownInput() {
        return shutdownInput(newPromise());
    }

    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            shutdownInput0(promise);
        } else {
            loop.execute(() -> shutdownInput0(promise));
        }
        return promise;
    }

    private void shutdownInput0(ChannelPromise promise) {
        try {
            socket.shutdown(true, false);
            promise.setSuccess();
        } catch (Throwable cause) {
            promise.setFailure(cause);
        }
    }

    @Override
    public ChannelFuture shutdown() {
        return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        ChannelFuture outputFuture = shutdownOutput();
        if (outputFuture.isDone()) {
            shutdownOutputDone(outputFuture, promise);
        } else {
            outputFuture.addListener(f -> shutdownOutputDone(outputFuture, promise));
        }
        return promise;
    }

    private void shutdownOutputDone(ChannelFuture outputFuture, ChannelPromise promise) {
        ChannelFuture inputFuture = shutdownInput();
        if (inputFuture.isDone()) {
            shutdownDone(outputFuture, inputFuture, promise);
        } else {
            inputFuture.addListener(f -> shutdownDone(outputFuture, inputFuture, promise));
        }
    }

    private static void shutdownDone(ChannelFuture outputFuture, ChannelFuture inputFuture, ChannelPromise promise) {
        Throwable outputCause = outputFuture.cause();
        Throwable inputCause = inputFuture.cause();
        if (outputCause != null) {
            if (inputCause != null) {
                outputCause.addSuppressed(inputCause);
            }
            promise.setFailure(outputCause);
        } else if (inputCause != null) {
            promise.setFailure(inputCause);
        } else {
            promise.setSuccess();
        }
    }

    // ---------------------------------------------------------------------------------------------- unsafe

    @Override
    protected AbstractAfdUnsafe newUnsafe() {
        return new AfdStreamUnsafe();
    }

    /** recv() into a direct buffer: the bytes read, -1 at end of stream, 0 when nothing is ready. */
    private int doReadBytes(ByteBuf buf) throws IOException {
        int writerIndex = buf.writerIndex();
        int writable = buf.writableBytes();
        unsafe().recvBufAllocHandle().attemptedBytesRead(writable);
        int n;
        if (buf.hasMemoryAddress()) {
            n = socket.recv(buf.memoryAddress() + writerIndex, writable);
        } else if (buf.isDirect() && buf.nioBufferCount() == 1) {
            ByteBuffer nio = buf.internalNioBuffer(writerIndex, writable);
            n = socket.recv(SocketSendBuffers.address(nio) + nio.position(), writable);
        } else {
            throw new IllegalStateException("recv needs a direct buffer with a single memory region: " + buf);
        }
        if (n > 0) {
            buf.writerIndex(writerIndex + n);
        } else if (n < 0 && abortSeen) {
            // The poll reported ABORT, yet recv() saw a clean end of stream (Wine does this after an RST):
            // report the reset, as Windows itself does with WSAECONNRESET.
            throw WinsockExceptions.newException("recv() after AFD_POLL_ABORT", Win32Errors.WSAECONNRESET);
        }
        return n;
    }

    class AfdStreamUnsafe extends AbstractAfdUnsafe
            implements CompletionReader.Listener, AfdIoHandler.CompletionReadable {
        @Override
        public void registeredWith(CompletionReads reads) {
            loopReads = reads;
        }

        @Override
        AfdRecvByteAllocatorHandle newRecvHandle(RecvByteBufAllocator.ExtendedHandle handle) {
            return new AfdRecvByteAllocatorHandle(handle, true);
        }

        @Override
        protected Executor prepareToClose() {
            try {
                // SO_LINGER > 0: closesocket() on a non-blocking socket would fail with WSAEWOULDBLOCK and leave the
                // socket open. Stop polling now, switch to blocking mode and close off the event loop, where
                // closesocket() may wait up to the linger time for the unsent data, as a blocking JDK socket does.
                if (isOpen() && config() instanceof AfdSocketChannelConfig
                        && ((AfdSocketChannelConfig) config()).lingerSeconds() > 0) {
                    doDeregister();
                    socket.setBlocking();
                    return GlobalEventExecutor.INSTANCE;
                }
            } catch (Throwable ignore) {
                // Close on the event loop then: WinsockSocket.close() turns lingering off when closesocket() cannot
                // wait, as the JDK's NIO does for a non-blocking channel (a graceful close, in the background).
            }
            return null;
        }

        @Override
        void inReady() {
            if (reader == null) {
                readByRecv();
                return;
            }
            // Completion mode (a zero-byte receive completed, or autoRead is off and a poll fired): no receive may be
            // posted while recv() reads, so a read() from the pipeline waits for the end of this batch.
            inReadBatch = true;
            try {
                readByRecv();
            } finally {
                inReadBatch = false;
            }
            readOn();
        }

        /** The poll-mode read: recv() into allocator buffers until the allocator handle stops. */
        private void readByRecv() {
            ChannelConfig config = config();
            if (shouldBreakReadReady(config)) {
                clearReadFlag0();
                return;
            }
            AfdRecvByteAllocatorHandle allocHandle = newReadBatch(config);
            ChannelPipeline pipeline = pipeline();
            ByteBufAllocator allocator = config.getAllocator();

            ByteBuf byteBuf = null;
            boolean allDataRead = false;
            try {
                do {
                    byteBuf = allocHandle.allocate(allocator);
                    allocHandle.lastBytesRead(doReadBytes(byteBuf));
                    if (allocHandle.lastBytesRead() <= 0) {
                        byteBuf.release();
                        byteBuf = null;
                        allDataRead = allocHandle.lastBytesRead() < 0;
                        if (allDataRead) {
                            readPending = false;
                        }
                        break;
                    }
                    allocHandle.incMessagesRead(1);
                    readPending = false;
                    pipeline.fireChannelRead(byteBuf);
                    byteBuf = null;
                    if (shouldBreakReadReady(config)) {
                        // The input was shut down in channelRead: stop, leaving the rest unread.
                        break;
                    }
                } while (allocHandle.continueReading());

                readBatchComplete(pipeline, allocHandle, allDataRead);
            } catch (Throwable t) {
                handleReadException(pipeline, byteBuf, t, allDataRead, allocHandle);
            } finally {
                if (shouldStopReading(config)) {
                    clearReadFlag();
                }
            }
        }

        // ------------------------------------------------------------------ completion reads (CompletionReader)

        /**
         * A data receive completed: the read batch starts with its buffer and goes on with receives that complete at
         * once (skip-on-success), up to the allocator handle's limits; then one receive stays posted.
         */
        @Override
        public void received(ByteBuf buffer, int bytes) {
            ChannelConfig config = config();
            if (!isOpen() || shouldBreakReadReady(config)) {
                buffer.release();
                return;
            }
            if (!readPending && !config.isAutoRead()) {
                // autoRead went off after the receive was posted: wait for read()
                carried.hold(buffer, bytes, null, false);
                return;
            }
            AfdRecvByteAllocatorHandle allocHandle = newReadBatch(config);
            ChannelPipeline pipeline = pipeline();
            ByteBuf byteBuf = buffer;
            boolean allDataRead = false;
            inReadBatch = true;
            try {
                for (;;) {
                    if (bytes == 0) {
                        byteBuf.release();
                        byteBuf = null;
                        allocHandle.lastBytesRead(-1);
                        allDataRead = true;
                        readPending = false;
                        break;
                    }
                    allocHandle.attemptedBytesRead(byteBuf.writableBytes());
                    byteBuf.writerIndex(byteBuf.writerIndex() + bytes);
                    allocHandle.lastBytesRead(bytes);
                    allocHandle.incMessagesRead(1);
                    readPending = false;
                    ByteBuf message = byteBuf;
                    byteBuf = null;
                    pipeline.fireChannelRead(message);
                    CompletionReader r = reader;
                    if (r == null || r.isPosted() || !isOpen() || shouldBreakReadReady(config)
                            || !config.isAutoRead() && !readPending
                            || !allocHandle.continueReading(UncheckedBooleanSupplier.TRUE_SUPPLIER)) {
                        break;
                    }
                    byteBuf = allocHandle.allocate(config.getAllocator());
                    int result = r.post(byteBuf);
                    if (result == CompletionReader.PENDING) {
                        byteBuf = null;
                        break;
                    }
                    if (result == CompletionReader.FAILED) {
                        throw r.failure();
                    }
                    bytes = r.completedBytes();
                }
                readBatchComplete(pipeline, allocHandle, allDataRead);
            } catch (Throwable t) {
                handleReadException(pipeline, byteBuf, t, allDataRead, allocHandle);
            } finally {
                inReadBatch = false;
            }
            readOn();
        }

        /** A zero-byte receive completed: read what is there with recv(), as a poll would, then post again. */
        @Override
        public void readable() {
            if (isOpen() && !readPending && !config().isAutoRead()) {
                // autoRead went off after the receive was posted: wait for read()
                carried.hold(null, 0, null, true);
                return;
            }
            inReady();
        }

        @Override
        public void receiveFailed(IOException cause) {
            if (!isOpen()) {
                return;
            }
            handleReadException(pipeline(), null, cause, false, newReadBatch(config()));
            readOn();
        }

        @Override
        public void idleSwapped() {
            readOn();
        }

        @Override
        public void handedOver(ByteBuf buffer, int bytes, IOException cause) {
            carried.hold(buffer, bytes, cause, false);
            if (!isOpen()) {
                // Closed meanwhile (e.g. closed off the loop with SO_LINGER after its deregistration): doClose's
                // release may have run before this hold.
                carried.release();
            } else if (isRegistered()) {
                deliverCarried();
            }
        }

        /** The end of a read batch (either mode): readComplete, then the end of the input if it was reached. */
        private void readBatchComplete(ChannelPipeline pipeline, AfdRecvByteAllocatorHandle allocHandle,
                                       boolean allDataRead) {
            allocHandle.readComplete();
            pipeline.fireChannelReadComplete();
            if (allDataRead) {
                shutdownInput(true);
            }
        }

        void handleReadException(ChannelPipeline pipeline, ByteBuf byteBuf, Throwable cause,
                                         boolean allDataRead, AfdRecvByteAllocatorHandle allocHandle) {
            if (byteBuf != null) {
                if (byteBuf.isReadable()) {
                    readPending = false;
                    pipeline.fireChannelRead(byteBuf);
                } else {
                    byteBuf.release();
                }
            }
            allocHandle.readComplete();
            pipeline.fireChannelReadComplete();
            pipeline.fireExceptionCaught(cause);
            if (allDataRead || cause instanceof IOException || cause instanceof OutOfMemoryError
                    || cause instanceof LeakPresenceDetector.AllocationProhibitedException) {
                shutdownInput(true);
            }
        }
    }

    /** What FileRegion.transferTo writes to: send() by address, copying heap buffers to direct memory first. */
    private final class SocketByteChannel implements WritableByteChannel {
        @Override
        public int write(ByteBuffer src) throws IOException {
            int length = src.remaining();
            if (length == 0) {
                return 0;
            }
            int n;
            if (src.isDirect()) {
                n = socket.send(SocketSendBuffers.address(src) + src.position(), length);
            } else {
                ByteBuf copy = alloc().directBuffer(length);
                try {
                    copy.writeBytes(src.duplicate());
                    ByteBuffer nio = copy.internalNioBuffer(copy.readerIndex(), length);
                    long address = copy.hasMemoryAddress() ? copy.memoryAddress() + copy.readerIndex()
                            : SocketSendBuffers.address(nio) + nio.position();
                    n = socket.send(address, length);
                } finally {
                    copy.release();
                }
            }
            if (n > 0) {
                src.position(src.position() + n);
            }
            return n;
        }

        @Override
        public boolean isOpen() {
            return socket.isOpen();
        }

        @Override
        public void close() throws ClosedChannelException {
            // The channel owns the socket; a FileRegion must not close it.
        }
    }
}
