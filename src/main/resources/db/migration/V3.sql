-- Schema 3: when each mailbox was first opened over POP3 with the "from now on" window
-- (mapping.window.from-now-on); mail with an earlier INTERNALDATE is left out of its POP3 view.
CREATE TABLE first_login (
    mailbox_id BIGINT NOT NULL PRIMARY KEY REFERENCES mailbox (id),
    first_login_at BIGINT NOT NULL
);
