DROP INDEX engagements_recent;
DROP TABLE suggestion_dismissals;
