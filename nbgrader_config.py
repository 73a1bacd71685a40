"""nbgrader configuration of the course (read by every `nbgrader ...` command run from this folder).

Layout: solutions/exNN_topic/exNN_topic.ipynb is the only source; `python -m tools.release`
(a wrapper over `nbgrader generate_assignment`) writes the student versions to exercises/.
Instructor commands and the learner's self-grading command are in the README ("Instructors").
Autograde with `python -m tools.autograde_class ASSIGNMENT` (parallel jobs, a summary, exit status).
Plain `nbgrader autograde` from this folder is just as safe: the lines at the end of this file give
it the same sandboxed kernels and tamper checks (tools/_guarded_execute.py), and without bubblewrap
it refuses to run submitted code.
"""
import os
import sys

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "nnlib-workbook"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
# submitted/, autograded/, feedback/ and gradebook.db keep nbgrader's default names (git-ignored).

# Per-cell time limit while autograding. Every exercise cell runs in well under a second; a cell
# that reaches the limit (an infinite loop) is interrupted, recorded as an error and grading goes on.
c.Execute.timeout = 20
# Kill each submission's kernel at once when its notebook is done instead of waiting for a
# polite shutdown: the kernel holds nothing worth saving (about 0.2 s less per submission here).
c.Execute.shutdown_kernel = "immediate"

# Feedback pages (`nbgrader generate_feedback`) carry their own MathJax, so math renders offline, and
# name each test cell in their summary (tools/_feedback.py; needs the `book` extra's MathJax files).
if os.path.isfile(os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools", "_feedback.py")):
    if os.path.dirname(os.path.abspath(__file__)) not in sys.path:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from tools import _feedback

    c.merge(type(c)(_feedback.template_config()))

# Every autograde from this folder runs submissions the way tools.autograde_class does. (The tools
# set their own options on top of these; this covers an instructor typing `nbgrader autograde`.)
if "nbgrader" in sys.argv[0] and sys.argv[1:2] == ["autograde"]:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    try:
        from tools import _nbgrader, _sandbox
    except ImportError:  # a course folder without the checkout's tools/ next to this file
        sys.exit("nbgrader autograde: refusing to run submitted code without the course's grader "
                 "(tools/ is not next to nbgrader_config.py); run python -m tools.autograde_class "
                 "from the checkout, see the README, \"Instructors\"")
    if not _sandbox.available():
        sys.exit(f"nbgrader autograde: refusing to run submitted code without a sandbox "
                 f"({_sandbox.why_unavailable()}); see the README, \"Instructors\"")
    c.merge(type(c)(_nbgrader.guarded_preprocessors(sandbox=True)))
