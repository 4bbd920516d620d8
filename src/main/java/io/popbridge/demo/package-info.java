/**
 * An in-process demo IMAP upstream (GreenMail) for {@code --demo}; used only by start-up code.
 */
package io.popbridge.demo;
