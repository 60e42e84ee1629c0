"""The coordination wing: the stafettlogg, the plan and the people who carry them.

- `stafettlogg` — the BTI stafettlogg: nivå 0, the log, its measures, meetings
  and decisions, closing and the archive document;
- `baton` — the stafettholder's baton and every way it moves;
- `handover` — the commands that hand the baton over without a gap;
- `plan` — the individuell plan and its nine content items;
- `appointments` — samordning: barnekoordinator, koordinator, designations,
  and the one holder of coordination;
- `transitions` — births, school start, level changes, moving, turning 18;
- `roles` — roles and their duties as checkable obligations;
- `meetings` — meeting preparation: the agenda of a samarbeidsmøte and who brings what;
- `voice` — the child's voice, with the weight the law gives it;
- `follow_up` — the barnekoordinator's duties b–d: the overview of the
  follow-up, information and guidance, referrals;
- `participation` — the child and the guardians act as themselves: own voice,
  lysglimt, proposed tiltak, comments on evaluations, answers to invitations.

It uses the base values, the history and the access wing (a log or a plan is
written only under consent). Import from the modules; this package re-exports
nothing.
"""

__all__: list[str] = []
