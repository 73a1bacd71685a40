"""Per-question scores as CSV: an nbgrader export plugin.

    nbgrader export --exporter=tools.export_scores.PerQuestionExporter --to scores_per_question.csv

(run from the course root, where nbgrader puts the current folder on ``sys.path``). ``--assignment``
and ``--student`` filter as for nbgrader's own CSV export, which only has one total per student.

One row per student x question. A question is a solution cell ``qN_name`` and its test cells
``test_qN_name_*``; its score is the sum over those cells. ``lost`` lists the test cells that did
not get full points. A student without a submission gets 0 on every question with
``submitted`` = 0. ``--PerQuestionExporter.by_cell=True`` writes one row per test cell instead
(``lost`` is then the cell's name if it lost points). Run from the course root, cells (and
``lost``) follow the notebook's order; elsewhere the natural order of their names.

``tampered`` counts the question's test cells the grader caught not running as written
(``tools._guarded_execute``: they score 0; the feedback says why); per cell it is 1 or 0.
"""
import csv

from nbgrader.plugins import ExportPlugin
from traitlets import Bool

from ._nbgrader import SOURCE, _natural_key, cell_order, gradebook_scores, notebook_path, question_of


class PerQuestionExporter(ExportPlugin):
    """Export one CSV row per student x question (or per test cell with ``by_cell``)."""

    by_cell = Bool(False, help="One row per graded cell instead of per question.").tag(config=True)

    FIELDS = ["assignment", "student_id", "question", "score", "max_score", "submitted", "tampered", "lost"]

    def export(self, gradebook):
        dest = self.to or "scores_per_question.csv"
        wanted_assignments = [str(a) for a in self.assignment]
        wanted_students = [str(s) for s in self.student]
        fields = self.FIELDS if not self.by_cell else self.FIELDS[:3] + ["cell"] + self.FIELDS[3:]
        self.log.info("Exporting per-%s scores to %s", "cell" if self.by_cell else "question", dest)
        with open(dest, "w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields)
            writer.writeheader()
            for assignment in gradebook.assignments:
                if wanted_assignments and assignment.name not in wanted_assignments:
                    continue
                # notebook order where the source notebook is at hand (run from the course root)
                order = (cell_order(".", assignment.name)
                         if notebook_path(".", SOURCE, assignment.name).is_file() else None)
                template = self._template(assignment, order)
                scores = gradebook_scores(gradebook, assignment.name, order)
                for student in gradebook.students:
                    if wanted_students and student.id not in wanted_students:
                        continue
                    cells = scores[student.id]["cells"] if student.id in scores else template
                    flags = scores[student.id]["flags"] if student.id in scores else {}
                    submitted = int(student.id in scores)
                    for row in self._rows(assignment.name, student.id, cells, submitted, flags):
                        writer.writerow({k: row[k] for k in fields})

    @staticmethod
    def _template(assignment, order=None):
        """(notebook, question, cell, 0, max_score) for every graded cell: rows of a missing submission."""
        cells = []
        for notebook in assignment.notebooks:
            solution_names = [c.name for c in notebook.solution_cells]
            for cell in notebook.grade_cells:
                cells.append((notebook.name, question_of(cell.name, solution_names), cell.name,
                              0.0, float(cell.max_score)))
        if order:
            return sorted(cells, key=lambda row: (row[0], order.index(row[2]) if row[2] in order else len(order),
                                                  _natural_key(row[2])))
        return sorted(cells, key=lambda row: (row[0], _natural_key(row[2])))

    def _rows(self, assignment, student_id, cells, submitted, flags):
        tampered = {cell for cell, kind in flags.items() if kind == "tampered"}
        if self.by_cell:
            for _notebook, question, cell, score, max_score in cells:
                yield {"assignment": assignment, "student_id": student_id, "question": question,
                       "cell": cell, "score": f"{score:g}", "max_score": f"{max_score:g}",
                       "submitted": submitted, "tampered": int(cell in tampered),
                       "lost": cell if score < max_score else ""}
            return
        totals = {}
        for _notebook, question, cell, score, max_score in cells:
            total = totals.setdefault(question, {"score": 0.0, "max_score": 0.0, "lost": [], "tampered": 0})
            total["score"] += score
            total["max_score"] += max_score
            total["tampered"] += cell in tampered
            if score < max_score:
                total["lost"].append(cell)
        for question, total in totals.items():
            yield {"assignment": assignment, "student_id": student_id, "question": question,
                   "score": f"{total['score']:g}", "max_score": f"{total['max_score']:g}",
                   "submitted": submitted, "tampered": total["tampered"], "lost": ";".join(total["lost"])}

