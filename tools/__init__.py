"""Course tools around nbgrader: ``python -m tools.release`` (instructors, exercise authors),
``python -m tools.grade NOTEBOOK`` (learners) and the per-question CSV exporter
``nbgrader export --exporter=tools.export_scores.PerQuestionExporter``."""
import sys

# jsonschema (under nbformat) imports rfc3987_syntax at start-up if it is installed, and that
# module compiles some 35 Lark grammars on import: 2.3 s of every grading command here, for an
# "iri" string format no notebook schema uses (python-jsonschema/jsonschema#1428). Marking it
# absent makes jsonschema skip that one format checker; everything else validates as before.
sys.modules.setdefault("rfc3987_syntax", None)
