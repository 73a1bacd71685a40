"""nbgrader configuration of the course (read by every `nbgrader ...` command run from this folder).

Layout: solutions/exNN_topic/exNN_topic.ipynb is the only source; `python -m tools.release`
(a wrapper over `nbgrader generate_assignment`) writes the student versions to exercises/.
Instructor commands and the learner's self-grading command are in the README ("Instructors").
Autograde with `python -m tools.autograde_class ASSIGNMENT`: it runs nbgrader's autograde with every
kernel sandboxed and the tamper checks of tools/_guarded_execute.py; plain `nbgrader autograde`
runs submitted code unsandboxed, in your account.
"""
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
