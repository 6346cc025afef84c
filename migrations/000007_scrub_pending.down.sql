DROP TABLE scrub_pending;
