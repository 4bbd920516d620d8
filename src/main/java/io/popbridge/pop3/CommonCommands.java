package io.popbridge.pop3;

/** Commands valid in more than one state. */
final class CommonCommands {

    private CommonCommands() {
    }

    static void capa(Pop3Session session, String args) {
        session.writeMultiLine("+OK Capability list follows", session.capabilities());
    }
}
