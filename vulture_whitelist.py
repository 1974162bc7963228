"""Names vulture (`make lint`) cannot see used, because no Python reads them by name.

Vulture parses this file, never runs it: a name written here counts as used. Add a name only
for one of the reasons below; Django's own hooks and options are in pyproject.toml's
[tool.vulture] ignore_names. Dead code in roll calls and results presenters is not hidden here.
"""

# ruff: noqa
_ = object()

# --- Data: model fields and choices, written by services and read by the admin, the ORM (by
# string) and templates; a stored row may hold any choice, so none is dropped as unused.
_.first_name
_.credential_note
_.credential_changed_at
_.credential_changed_by
_.remarks_form
_.reviewed_by
_.reviewed_at
_.applicant_kind
_.approval_decided_at
_.approval_decided_by
_.decline_reason
_.screening_reason
_.created_by
_.updated_at
_.uploaded_by
_.uploaded_at
_.ranking_position
_.follows_ranking
_.decided_by
_.decided_at
_.announced_by
_.drafted_at
_.description_ko
_.venue_ko
_.logo
_.ceremony
_.ceremony_en
_.ceremony_ko
_.screening_starts
_.finalists_announced
_.jury_round_starts
_.text_en
_.text_ko
_.previous_text_en
_.previous_text_ko
_.statement_en
_.statement_ko
_.delegate
_.proxy_holder
_.cast_by
_.entered_by
_.founded
_.secretariat_city
_.secretariat_city_en
_.secretariat_city_ko
_.term_years
AWARDS_CEREMONY
BREAK
STAFF
PRESS
CANCELLED
CLAIMING
VIDEO_RECORDING
DOCUMENT
PRESENTATION
PHOTOS
SCREENING
ORGANIZATION
WRITTEN
ENTRY_SAVED
VOID_RESULT
PAPER
SHOW_OF_HANDS
POLL_CHANGED
SUSPENDED
ALWAYS
ENGLISH
KOREAN
DECIDE  # TieSettlement, compared with the counting form's value
TOPIC
SPEECH
CEREMONY

# --- Read only by templates: properties and the fields of what a view hands its template.
_.href
_.sub_themes
_.method_label
_.method_choices
_.basis_text
_.headline
_.field_rows
_.count_fields
_.poll_open
_.representatives
_.opening
_.congratulatory
_.keynote
_.videos
_.participants_estimate
_.mayoral_noun_ko
_.assembly_title
_.hybrid
_.host_is_president
_.adopted
_.rejected
_.executive_committee
_.next_host
_.next_year
_.secretary_general
_.media_partners
_.president_elected
_.vice_presidents_elected
_.executive_committee_elected
_.awaiting_result
_.bars
_.motion
_.base_text

# --- Named in settings.py (which vulture skips: Django reads every name in it), or called only
# there.
env_str
env_bool
env_int
env_list
env_secret
env_header
LoginThrottle
lockout_response
login_client_address
LimitedUploadHandler

# --- Read by Python itself or a library: a Protocol's method, numpy's array flag.
__lt__
_.writeable

# --- Fields of the API's schemas, which django-ninja serialises by name.
_.not_voted

# --- Hooks the tests use to wait on live streams and reset the live hub between tests.
_.renders
stop_render_threads
hub_for
open_streams
process_streams
wait_for_streams_closed
forget_streamed_assemblies

# --- The poll life cycle's table: the stages each transition may end in, which the tests check
# every service against (tests/governance/test_lifecycle.py); no service reads it back.
_.to_stages

# --- The counting engine as a library (docs/tally.md, "Library in ten lines"): functions for
# callers outside Moim, which Moim itself reaches through the registry and the file readers.
_.from_rankings  # build an election from ranked lists, as the tests and examples do
_.loads_blt  # read a BLT file held in memory
_.only_precinct  # one precinct's ballots, for precinct-level reports

# --- The system actor answers what Django and the templates ask of any user.
_.is_anonymous

# --- motions: a field of the API's motion body (read by clients), and who tabled a motion
# (shown in the back office).
_.state_meaning
_.tabled_by
# --- floor (the list of speakers): fields the ORM, templates and the API's schemas read by
# name; the reply kind is a stored choice; the projector and the minutes call the two readers.
_.REPLY
_.changed_at
_.requested_at
_.requested_by
_.interrupted_seconds_left
_.member_en
_.member_ko
_.item_title_en
_.item_title_ko
_.agenda_title_en
_.agenda_title_ko
_.model_config
_.projected_list  # moim.floor.projection: the projector's view of the list
_.speeches_for_minutes  # moim.floor.queries: who spoke on what, for the minutes
# --- mailings: fields the ORM writes and the pages, the admin and the API schema read by name.
_.delivered
_.late_confirmed
_.next_attempt_at
_.claimed_at
_.bounced_at
_.last_error
# --- projection: what a screen's template reads of the slide it shows.
_.drawn
# --- Badges, certificates and questions of the assemblies and awards apps: fields that the
# templates, the admin or `InLanguage` read by name.
_.help_en
_.help_ko
_.requested_at
_.issued_by
_.get_inlines  # the admin asks it which inlines a form shows
# --- minutes: fields written by the services, read by the admin and the minutes' templates.
_.approved_by
_.approved_by_name
_.generated_at
_.edited_at
_.edited_by
response_add  # the admin's hook after adding: to the minutes page
_.speech_ends_at
# --- moim/handlers.py: what Django's ASGI handler sets on a response and reads back itself.
_._handler_class
_.block_size
# --- moim/rows.py: what a queryset filled by prefetch_related carries, set by hand.
_._result_cache
_._prefetch_done
# --- moim/sessions.py: Django's database session store calls and sets these itself.
_._get_session_from_db
_._session_key
# --- moim/members/backends.py: named in AUTHENTICATION_BACKENDS; Django calls get_user.
AccountBackend
_.get_user
# --- moim/redis_cache.py: Django's RedisCache reads its client from _cache.
_._cache
# --- moim/intake.py: uvicorn uses the listener as an asyncio.Server and names the loop by path.
_.sockets
_.is_serving
_.wait_closed
new_loop
