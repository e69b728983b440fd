-- 067: a reminder heard on its channels too, not only in the inbox. The
-- e-mail's subject and body and the SMS's text are rendered when the reminder
-- is armed, as its title and body are, and kept with the row; when it fires,
-- its e-mail and SMS deliveries are recorded in notify.deliveries in the same
-- transaction as its inbox item (producer 'notify', seq the reminder's id, so
-- the idempotency key is stable and a fire repeated adds nothing). NULL: the
-- reminder's rule does not name that channel (and every row armed before
-- this migration). Only texts: where a recipient is reached stays in
-- notify.contacts, read when the deliveries are recorded. Never edit once
-- landed.

ALTER TABLE notify.reminders
    ADD COLUMN email_subject text,
    ADD COLUMN email_body    text,
    ADD COLUMN sms           text,
    ADD CHECK ((email_subject IS NULL) = (email_body IS NULL));
