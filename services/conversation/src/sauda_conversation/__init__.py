"""Sauda conversation: shoppers' WhatsApp messages in, order commands and replies out."""
