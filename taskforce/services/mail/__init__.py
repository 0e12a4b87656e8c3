"""E-mail: the outbox and its messages, the delivery pass, and the transports it sends by."""
