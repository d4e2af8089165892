-- Ordering inside the WhatsApp chat is a Business plan feature (the seed's plan requirement):
-- the conversation service takes orders in chat only for plans whose apis include it.
UPDATE plans SET apis = array_append(apis, 'whatsapp_orders')
WHERE name = 'business' AND NOT ('whatsapp_orders' = ANY (apis));
