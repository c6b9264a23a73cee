package io.tofunetty.codec;

/**
 * tofu's {@code AmpeStatus} values (tofu src/status.zig, spec §5). Statuses travel from the engine to the local
 * application; on the wire tofu always sends 0 and the codec ignores the received byte (spec D5, E2).
 */
public enum Status {
    SUCCESS(0, "success"),
    NOT_IMPLEMENTED_YET(1, "not_implemented_yet"),
    WRONG_ADDRESS(2, "wrong_address"),
    NOT_ALLOWED(3, "not_allowed"),
    NULL_MESSAGE(4, "null_message"),
    INVALID_MESSAGE(5, "invalid_message"),
    INVALID_OP_CODE(6, "invalid_op_code"),
    INVALID_HEADERS_LEN(7, "invalid_headers_len"),
    INVALID_BODY_LEN(8, "invalid_body_len"),
    INVALID_MORE_USAGE(9, "invalid_more_usage"),
    INVALID_CHANNEL_NUMBER(10, "invalid_channel_number"),
    INVALID_MCHN_GROUP(11, "invelid_mchn_group"),
    INVALID_MESSAGE_ID(12, "invalid_message_id"),
    INVALID_ADDRESS(13, "invalid_address"),
    UDS_PATH_NOT_FOUND(14, "uds_path_not_found"),
    NOTIFICATION_DISABLED(15, "notification_disabled"),
    NOTIFICATION_FAILED(16, "notification_failed"),
    PEER_DISCONNECTED(17, "peer_disconnected"),
    COMMUNICATION_FAILED(18, "communication_failed"),
    POOL_EMPTY(19, "pool_empty"),
    ALLOCATION_FAILED(20, "allocation_failed"),
    RECEIVER_UPDATE(21, "receiver_update"),
    CHANNEL_CLOSED(22, "channel_closed"),
    SHUTDOWN_STARTED(23, "shutdown_started"),
    CONNECT_FAILED(24, "connect_failed"),
    LISTEN_FAILED(25, "listen_failed"),
    ACCEPT_FAILED(26, "accept_failed"),
    SEND_FAILED(27, "send_failed"),
    RECV_FAILED(28, "recv_failed"),
    SETSOCKOPT_FAILED(29, "setsockopt_failed"),
    PROCESSING_FAILED(30, "processing_failed"),
    UNKNOWN_ERROR(31, "unknown_error");

    private static final Status[] BY_CODE = values();

    private final int code;
    private final String tofuName;

    Status(int code, String tofuName) {
        this.code = code;
        this.tofuName = tofuName;
    }

    /** The numeric value (0-31). */
    public int code() {
        return code;
    }

    /**
     * tofu's name, e.g. {@code "channel_closed"}. {@link #INVALID_MCHN_GROUP} keeps tofu's spelling
     * {@code "invelid_mchn_group"}.
     */
    public String tofuName() {
        return tofuName;
    }

    /** Like tofu's {@code raw_to_status}: 31 and above (and negative values) map to {@link #UNKNOWN_ERROR}. */
    public static Status fromCode(int code) {
        if (code < 0 || code >= UNKNOWN_ERROR.code) {
            return UNKNOWN_ERROR;
        }
        return BY_CODE[code];
    }
}
