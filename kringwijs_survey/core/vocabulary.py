"""The words the data is stored in: round states, audiences, action scopes and statuses, scale
versions, where teams and responses came from."""

ROUND_OPEN = "open"
ROUND_CLOSED = "closed"
AUDIENCE_TEAM = "team"
AUDIENCE_RESIDENTS = "residents"
ACTION_SCOPES = ("team", "organisation", "municipality")
ACTION_STATUSES = ("open", "ongoing", "done", "dropped")
# The version of the answer scales new rounds are answered on (see content.ScaleSet); rounds
# from before versions were stored keep "2025", the first scales.
CURRENT_SCALES = "2026"
FIRST_SCALES = "2025"
# Where a team came from: made by an admin, by itself ("Nieuw team", off by default), by
# import-csv, or by a workshop for a mixed group. Only import-made teams take imported answers.
TEAM_ORIGINS = ("admin", "self", "import", "group")
# How a response came in: through a personal invitation, the round's open join code (workshops,
# residents, rounds from before invitations), a trainer's paper form, or import-csv.
SOURCE_INVITED = "invited"
SOURCE_OPEN = "open"
SOURCE_PAPER = "paper"
SOURCE_IMPORT = "import"
RESPONSE_SOURCES = (SOURCE_INVITED, SOURCE_OPEN, SOURCE_PAPER, SOURCE_IMPORT)
