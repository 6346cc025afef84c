// The words Pathway uses for the values the API sends.

export const RUNGS = ["observer", "follower", "member", "contributor", "leader"];

export const RUNG = {
  observer: { name: "Observer", meaning: "Uses services when needed, and opts in or out as life allows. Trust starts here." },
  follower: { name: "Follower", meaning: "Comes to events and meetings beyond regular services, in support of the mission." },
  member: { name: "Member", meaning: "Is invited to take part as a representative of the people served, and can decline." },
  contributor: { name: "Contributor", meaning: "Is consulted on, advises on and co-designs the programs staff lead." },
  leader: { name: "Leader", meaning: "Produces and leads their own activity about problems they identified." },
};

export const rungName = (r) => (RUNG[r] ? RUNG[r].name : r);

export const ROLES = { admin: "Admin", staff: "Program staff", coordinator: "Coordinator", leadership: "Leadership" };

export const BODY_KINDS = {
  advisory_board: "Advisory board",
  speakers_bureau: "Speakers bureau",
  board_of_directors: "Board of directors",
  committee: "Committee",
  staff: "Staff (hired from the community)",
};

export const AUDIENCES = {
  city_council: "City council",
  state_legislature: "State legislature",
  media: "Media",
  funders: "Funders",
  conference: "Conference",
  school: "School",
  community: "Community",
  other: "Other",
};

export const STRATEGIES = {
  organizing: "Organizing",
  education: "Education",
  networking: "Networking",
  advocacy: "Advocacy",
  electoral: "Civic engagement and voting",
};

export const CAPACITIES = {
  self_advocacy: "Speaks up for their own needs",
  root_cause_analysis: "Names the policies and systems behind the problem",
  leadership: "Steps into their own leadership",
};

export const CONSENT_METHODS = { written: "Written", verbal: "Verbal", electronic: "Electronic" };

export const SCOPES = {
  tracking: "Follow their journey in Pathway",
  public_story: "Share their story in public (speaking, media)",
};

export const PERSPECTIVES = { self: "Their own view", staff: "Staff view" };

export const NOTE_MAX = 500;
