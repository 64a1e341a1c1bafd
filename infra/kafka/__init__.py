"""Kafka adapters: clients, the embedded broker and its keeper, the poll loop, the relay and the intake consumer."""
