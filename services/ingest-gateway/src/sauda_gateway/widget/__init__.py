"""The embeddable orders widget: publishable keys, short-lived widget sessions, their origins."""
