DROP TABLE webhook_deliveries;
DROP TABLE outbox;
DROP TABLE webhooks;
DROP TABLE changes;
