"""The subscriber CRM: a business's WhatsApp contacts, labels, custom fields, notes and assignment."""
