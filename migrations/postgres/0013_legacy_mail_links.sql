-- Mails written before 0012 hold their live link (reset, activation, invitation, acceptance)
-- with no note of it, so the mail log shows it and a delivered copy keeps it (#14). Each such
-- mail has one link of a known shape, the token 64 hex digits: note it as the mail's secret,
-- then blank it out of the stored copies already delivered, as the sender now does.
UPDATE outbox SET secrets = substring(body_text from '/(?:reset|activate|accept)/[0-9a-f]{64}')
WHERE secrets = '' AND body_text ~ '/(reset|activate|accept)/[0-9a-f]{64}';
UPDATE outbox SET
    body_text = replace(body_text, secrets, '[链接已隐藏 · link hidden]'),
    body_html = replace(body_html, secrets, '[链接已隐藏 · link hidden]'),
    secrets = ''
WHERE secrets <> '' AND sent_at IS NOT NULL;
