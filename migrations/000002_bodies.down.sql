DROP TABLE placement_evidence;
DROP TABLE speakers;
DROP TABLE speaking_engagements;
DROP TABLE roles;
DROP TABLE bodies;
