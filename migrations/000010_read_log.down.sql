DROP TABLE read_log_moved;
