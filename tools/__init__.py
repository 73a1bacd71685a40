"""Course tools around nbgrader: ``python -m tools.release`` (instructors, exercise authors),
``python -m tools.grade NOTEBOOK`` (learners) and the per-question CSV exporter
``nbgrader export --exporter=tools.export_scores.PerQuestionExporter``."""
