"""The examination of a review case approved for it (domain §3.6): registration for a sitting, accommodations, part 1
results, part 2 scored blind by two scorers, reconciliation, feedback.

One word: "examination". Modules and classes say it (`aggregate.Examination`, `rules.ExaminationRules`,
`record.ExaminationRecord`). "Exam" stays only where it is stored or published, and so cannot change: stored event
classes on the review case (`ExamScored`, `ApprovedForExam`), integration events, audit actions (`exam_registered`),
error codes, API paths (`/reviews/exams/...`) and the HTTP schemas named in the OpenAPI document (`ExamStatus`).

- `aggregate.py`: the Examination aggregate (commands and guards);
- `events.py`: its stored events (each applies what a command decided);
- `scoring.py`: blind scoring of part 2 (scorers, verdicts, reconciliation);
- `attempt.py`: an attempt and its scoring assignments, as the aggregate keeps them;
- `rules.py`: the association's examination rules (pass mark, retake wait, notice periods, sittings, scorers);
- `record.py`: the attempts as the review case records them, and how one attempt is scored.

Examinations stored before this package existed name `reviews.domain.examination_events` in their topics;
`reviews.store.register_moved_topics` keeps them loading.
"""
