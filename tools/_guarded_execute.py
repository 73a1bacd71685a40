"""nbgrader's Execute step, made to trust nothing the submission's kernel says without proof.

``GuardedExecute`` replaces ``nbgrader.preprocessors.Execute`` in ``Autograde`` (see
``_nbgrader.autograde``). It works for any test cell, without editing the notebooks:

* the kernel runs in a bubblewrap sandbox (``tools._sandbox``) unless ``sandbox`` is False, and
  starts ``_kernel_guard.py`` before any submitted code;
* before each test cell the guard's ``restore`` puts back every hook and comparison function a
  test relies on, and proves it ran by printing a fresh random nonce;
* the test cell runs with one line appended that prints a second nonce: a test that raised no
  error but did not print it did not run as written (an input transformer replaced it, an AST
  transformer wrapped it in ``try``, the kernel swallowed it);
* after it, the guard's ``verify`` reports anything the test's calls into submitted code
  changed (e.g. an answer that replaces ``np.allclose`` while it runs);
* these guard calls ride on the cell before as its ``user_expressions``, which IPython evaluates
  right after that cell's code, untouched by input transformers: no extra round trip to the
  kernel. A ``verify`` followed at once by another test cell also does that cell's delegation
  check (nothing runs in between, so a separate ``restore`` would find nothing to undo). When
  the cell before raised, IPython skips its user expressions: the call is then sent on its own,
  as before. Either way the report must carry its fresh nonce, or the test scores 0;
* a test of a question whose answer hands the work to nnlib's own function (``_delegation``)
  scores nothing, with a message saying why;
* a kernel that dies (``os._exit``, a memory limit, a killed process tree) or stops answering
  fails that cell and every later one; the submission is still graded, never dropped.

A flagged test cell gets an error output (so nbgrader scores it 0, its message shows in the
feedback); the flags go to ``resources["nnlib_guard"]`` for ``RecordGuardFlags``.
"""
import functools
import json
import secrets

import nbformat
from nbclient.exceptions import DeadKernelError
from nbclient.util import run_sync
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute, NbGraderPreprocessor, OverwriteCells
from traitlets import Bool, Integer

from . import _delegation, _sandbox

TAMPERED = "GradingTamperError"
DELEGATED = "DelegationError"
KERNEL_LOST = "KernelDiedError"
RESTORED = "nnlib_restored"  # cell metadata set by QuietOverwriteCells, read by GuardedExecute
RESTORED_NOTE = ("note from the grader: this locked cell differed from the original in your notebook; "
                 "the original was put back and graded\n")
HIDDEN = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
TIMEOUT = "CellTimeoutError"  # nbgrader's name for a cell stopped at Execute.timeout
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
GUARD_CALL = "__import__('sys').modules['_nnlib_grading_guard']."


def _meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def _is_test(cell):
    return cell.cell_type == "code" and _meta(cell).get("grade") and not _meta(cell).get("solution")


def _error(ename, evalue):
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def _report(outputs, nonce):
    """The guard's JSON report for ``nonce`` among a silent cell's outputs, or None."""
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    for line in text.splitlines():
        if line.startswith(nonce + " "):
            try:
                return json.loads(line[len(nonce) + 1:])
            except ValueError:
                return None
    return None


def _is_stdout(output):
    return output.get("output_type") == "stream" and output.get("name") == "stdout"


def _cut_stdout(outputs, chars):
    """``outputs`` with the last ``chars`` characters of their stdout removed (the text may be
    split over several stream outputs); emptied stream outputs are dropped."""
    for output in reversed([o for o in outputs if _is_stdout(o)]):
        if chars == 0:
            break
        text = output.get("text", "")
        cut = min(chars, len(text))
        output["text"] = text[:len(text) - cut]
        chars -= cut
    return [o for o in outputs if not (o.get("output_type") == "stream" and o.get("text") == "")]


def _take_report(outputs, nonce):
    """(report, outputs without it): the guard's report for ``nonce`` that ends a cell's stdout
    (written by the cell's user expression), or (None, outputs) if there is none."""
    text = "".join(o.get("text", "") for o in outputs if _is_stdout(o))
    at = text.rfind(nonce + " ")
    line = text[at + len(nonce) + 1:] if at >= 0 else ""
    if not line.endswith("\n") or "\n" in line[:-1]:
        return None, outputs
    try:
        report = json.loads(line)
    except ValueError:
        return None, outputs
    return report, _cut_stdout(outputs, len(text) - at)


class GuardedExecute(Execute):
    sandbox = Bool(True, help="Run each kernel in a bubblewrap sandbox.").tag(config=True)
    max_output_bytes = Integer(1 << 20, help="Output kept per cell; the rest is dropped.").tag(config=True)
    guard_timeout = Integer(10, help="Seconds the guard's silent calls may take.").tag(config=True)
    probe_timeout = Integer(3, help="Seconds a kernel has to answer after a cell timed out.").tag(config=True)

    def __init__(self, **kw):
        super().__init__(**kw)
        if self.sandbox:
            self.kernel_manager_class = _sandbox.SandboxKernelManager

    # -- what to check, from the notebook and the reference solutions --------------------------

    def _plan(self, nb, resources):
        """{test grade_id: (solution grade_id, names to check at run time, static finding)}."""
        reference = self._reference_sources(resources)
        plan, earlier, solution_ids, last_solution = {}, [], [], None
        findings = {}
        names = {}
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            grade_id = _meta(cell).get("grade_id")
            if _meta(cell).get("solution") and grade_id:
                solution_ids.append(grade_id)
                last_solution = grade_id
                ref = reference.get(grade_id)
                findings[grade_id] = _delegation.delegated_names(cell.source, ref, earlier)
                # checked at run time too (``getattr(activations, "soft" + "max")``), except the
                # names the reference solution itself takes from nnlib
                allowed = set(_delegation.delegated_names(ref, None, earlier)) if ref else set()
                names[grade_id] = sorted((set(_delegation.defined_names(cell.source))
                                          | set(_delegation.defined_names(ref or ""))) - allowed)
            elif _is_test(cell):
                from ._nbgrader import question_of

                question = question_of(grade_id, solution_ids)
                solution = question if question in solution_ids else last_solution
                plan[grade_id] = (solution, names.get(solution, []), findings.get(solution, {}))
            earlier.append(cell.source)
        return plan

    def _reference_sources(self, resources):
        """{grade_id: source} of the solution cells in the course's source notebook, if found."""
        try:
            from pathlib import Path

            from nbgrader.coursedir import CourseDirectory

            info = resources.get("nbgrader", {})
            coursedir = CourseDirectory(config=self.config)
            path = Path(coursedir.format_path(coursedir.source_directory, ".", info["assignment"])) / f"{info['notebook']}.ipynb"
            source = nbformat.read(str(path), as_version=4)
        except Exception:
            return {}
        return {_meta(c)["grade_id"]: "\n".join(line for line in c.source.splitlines() if line.strip() not in MARKERS)
                for c in source.cells if _meta(c).get("solution") and _meta(c).get("grade_id")}

    # -- execution ------------------------------------------------------------------------------

    def preprocess(self, nb, resources=None, km=None):
        resources = resources if resources is not None else {}
        self._guard_plan = self._plan(nb, resources)
        self._flags = {}
        self._lost = None
        self._ready = None
        self._output_sizes = {}
        try:
            nb, resources = super().preprocess(nb, resources, km)
        except DeadKernelError as exc:  # while starting or stopping: the cells already have outputs
            self._lost = self._lost or f"the kernel died ({exc})"
        resources["nnlib_guard"] = {"flags": self._flags, "plan": {k: v[0] for k, v in self._guard_plan.items()}}
        return nb, resources

    async def async_start_new_kernel(self, **kwargs):
        # set here: NotebookClient.__init__ (called again by preprocess) resets traits from config
        guard = _sandbox.GUARD_IN_SANDBOX if self.sandbox else str(_sandbox.GUARD)
        self.extra_arguments = [a for a in self.extra_arguments if "exec_files" not in a and "log_level" not in a] + [
            f"--IPKernelApp.exec_files={guard}", "--IPKernelApp.log_level=CRITICAL",
            "--HistoryManager.enabled=False"]
        return await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if self._lost is not None:
            cell.outputs = [_error(KERNEL_LOST, f"not run: {self._lost} before this cell")] if _meta(cell).get("grade") else []
            return cell, resources
        ready, self._ready = self._ready, None  # a restore done by the cell before, if any
        try:
            if _is_test(cell):
                self._run_test(cell, resources, index, ready)
            else:
                following = self._next_test(index)
                if following is None:
                    super().preprocess_cell(cell, resources, index)
                else:  # the next test cell's restore, evaluated right after this cell
                    nonce = secrets.token_hex(16)
                    names = self._guard_plan.get(following, (None, [], {}))[1]
                    self._run_with(cell, resources, index, f"{GUARD_CALL}restore({nonce!r}, {names!r})")
                    report, cell.outputs = _take_report(cell.outputs, nonce)
                    if report is not None:
                        self._ready = (following, report)
                self._check_responsive(cell, index)
        except DeadKernelError:
            self._lost = "the kernel died (os._exit, a crash, or a resource limit)"
            cell.outputs = list(cell.get("outputs", [])) + [_error(KERNEL_LOST, self._lost + " while this cell ran")]
        except Exception as exc:  # e.g. CellTimeoutError "Timeout waiting for IOPub output": a broken kernel
            self._lost = f"the kernel stopped responding ({type(exc).__name__})"
            cell.outputs = list(cell.get("outputs", [])) + [_error(KERNEL_LOST, self._lost + " while this cell ran")]
            self._stop_kernel()
        self._explain_timeout(cell)
        if cell.get("metadata", {}).get(RESTORED):
            cell.outputs = list(cell.get("outputs", [])) + [NotebookNode(output_type="stream", name="stdout", text=RESTORED_NOTE)]
        return cell, resources

    def _explain_timeout(self, cell):
        """A cell stopped at the time limit shows one plain line instead of the KeyboardInterrupt
        traceback of the interrupt and nbgrader's ``CellTimeoutError: No reply from kernel``."""
        outputs = list(cell.get("outputs", []))
        if not any(o.get("output_type") == "error" and o.get("ename") == TIMEOUT for o in outputs):
            return
        kept = [o for o in outputs if not (o.get("output_type") == "error" and o.get("ename") in (TIMEOUT, "KeyboardInterrupt"))]
        cell.outputs = kept + [_error(TIMEOUT, f"this cell ran past {self.timeout} s, the time limit per cell, and was "
                                               "stopped (an endless loop, or far more work than the question needs?)")]

    def _next_test(self, index):
        """grade_id of the test cell the kernel runs right after cell ``index``, else None."""
        for cell in self.nb.cells[index + 1:]:
            if cell.cell_type != "code" or not cell.source.strip():
                continue  # not sent to the kernel
            return _meta(cell).get("grade_id") if _is_test(cell) else None
        return None

    def _run_with(self, cell, resources, index, expression):
        """nbgrader's execution of ``cell``, with ``expression`` sent as its user expression."""
        execute = self.kc.execute
        self.kc.execute = functools.partial(execute, user_expressions={"nnlib_guard": expression})
        try:
            super().preprocess_cell(cell, resources, index)
        finally:
            self.kc.execute = execute

    def _stop_kernel(self):
        try:
            self.km.shutdown_kernel(now=True)
        except Exception as exc:  # already gone
            self.log.warning("could not stop the kernel: %s", exc)

    def _silent(self, code, index, timeout=None):
        """Run ``code`` without history or a place in the notebook; return its outputs."""
        helper = nbformat.v4.new_code_cell(code)
        saved, cell = self.timeout, self.nb.cells[index]
        self.timeout = timeout or self.guard_timeout
        try:
            self.execute_cell(helper, index, store_history=False)
        finally:
            self.timeout = saved
            self.nb.cells[index] = cell  # nbclient stores the cell it ran at that index
        return helper.outputs

    def _check_responsive(self, cell, index):
        """After a timeout the kernel may still be busy (an interrupt it ignored): ask once; a
        kernel that does not answer is stopped, and the remaining cells fail at once."""
        if not any(o.get("output_type") == "error" and o.get("ename") == "CellTimeoutError" for o in cell.outputs):
            return
        nonce = secrets.token_hex(8)
        if _report(self._silent(f"print({nonce!r}, '{{}}')", index, self.probe_timeout), nonce) is None:
            self._lost = "the kernel stopped answering (it ignored the interrupt after a timeout)"
            self._stop_kernel()

    def _run_test(self, cell, resources, index, ready=None):
        grade_id = _meta(cell)["grade_id"]
        solution, names, static = self._guard_plan.get(grade_id, (None, [], {}))
        reasons, delegated = [], dict(static)

        if ready is not None and ready[0] == grade_id:
            before = ready[1]
        else:
            nonce = secrets.token_hex(16)
            before = _report(self._silent(f"{GUARD_CALL}restore({nonce!r}, {names!r})", index), nonce)
        if before is None:
            reasons.append("the grader could not reset the kernel before this test (its guard was removed or "
                           "the code it sends was altered)")
        else:
            if before.get("restored"):
                reasons.append("before this test the grader had to undo changes to " + ", ".join(before["restored"][:8]))
            for name in before.get("delegated", []):
                delegated.setdefault(name, f"its {name} is nnlib's own {name}")

        proof = secrets.token_hex(16)
        run = nbformat.from_dict(cell)
        # one write (so one piece of output), as an expression whose value (None) is not displayed
        run.source = cell.source.rstrip() + f"\nNone if __import__('sys').stdout.write({proof + chr(10)!r}) else None\n"
        following = self._next_test(index)
        next_names = self._guard_plan.get(following, (None, [], {}))[1] if following else None
        nonce = secrets.token_hex(16)
        after_call = f"{GUARD_CALL}after({nonce!r}, {next_names!r})"
        try:
            self._run_with(run, resources, index, after_call)
        finally:
            self.nb.cells[index] = cell
        # the guard's report, if the test raised nothing, comes last on stdout, after the proof
        after, outputs = _take_report(list(run.outputs), nonce)
        failed = any(o.get("output_type") == "error" or (o.get("output_type") == "stream" and o.get("name") == "stderr")
                     for o in outputs)
        # the proof may arrive split over several stream messages: look at stdout as a whole
        reached_end = "".join(o.get("text", "") for o in outputs if _is_stdout(o)).endswith(proof + "\n")
        if reached_end:
            outputs = _cut_stdout(outputs, len(proof) + 1)
        if not failed and not reached_end:
            reasons.append("this test raised no error but did not run to its end: its code was altered or skipped")
        if self._lost is None:
            self._check_responsive(run, index)
        if self._lost is None:
            if after is None:  # the test raised (no user expressions then): ask on its own
                nonce = secrets.token_hex(16)
                after = _report(self._silent(f"{GUARD_CALL}after({nonce!r}, {next_names!r})", index), nonce)
            if after is None:
                reasons.append("the grader could not check the kernel after this test")
            else:
                if after.get("changed"):
                    reasons.append("while this test ran, the code it called changed " + ", ".join(after["changed"][:8]))
                if following is not None and isinstance(after.get("delegated"), list):
                    self._ready = (following, {"restored": [], "delegated": after["delegated"]})

        cell.outputs = outputs
        cell.execution_count = run.execution_count
        if reasons:
            message = "tampering detected, this test scores 0: " + "; ".join(reasons)
            cell.outputs.append(_error(TAMPERED, message))
            self._flags[grade_id] = {"kind": "tampered", "solution": solution, "message": message}
        elif delegated:
            message = (f"this test scores 0 because the answer to {solution} does not implement what it asks: "
                       + "; ".join(delegated.values()) + ". Write it yourself with numpy.")
            cell.outputs.append(_error(DELEGATED, message))
            self._flags[grade_id] = {"kind": "delegated", "solution": solution, "message": message}

    def output(self, outs, msg, display_id, cell_index):
        """Keep at most ``max_output_bytes`` of a cell's output (a 50 MB print, say)."""
        key = msg.get("parent_header", {}).get("msg_id")
        size = len(json.dumps(msg.get("content", {}))) if msg.get("msg_type") != "status" else 0
        total = self._output_sizes.get(key, 0)
        self._output_sizes[key] = total + size
        if total + size > self.max_output_bytes:
            if total <= self.max_output_bytes:
                outs.append(NotebookNode(output_type="stream", name="stdout",
                                         text=f"\n... output beyond {self.max_output_bytes} bytes dropped by the grader ...\n"))
            return None
        return super().output(outs, msg, display_id, cell_index)


class RecordGuardFlags(NbGraderPreprocessor):
    """After ``SaveAutoGrades``: writes each flag into the gradebook as the automatic comment of
    the question's answer cell (feedback shows it; ``export_scores`` reads the ``tampered`` mark),
    one line per flagged test cell: ``[tampered] test_id: message`` or ``[delegated] ...``."""

    def preprocess(self, nb, resources):
        guard = resources.get("nnlib_guard") or {}
        flags = guard.get("flags") or {}
        if not flags:
            return nb, resources
        from nbgrader.api import Gradebook, MissingEntry

        info = resources["nbgrader"]
        by_solution = {}
        for test_id, flag in flags.items():
            by_solution.setdefault(flag["solution"], []).append(f"[{flag['kind']}] {test_id}: {flag['message']}")
        with Gradebook(info["db_url"]) as gb:
            for solution, lines in by_solution.items():
                if solution is None:
                    continue
                try:
                    comment = gb.find_comment(solution, info["notebook"], info["assignment"], info["student"])
                except MissingEntry:
                    continue
                # appended: SaveAutoGrades has just written its own comment ("No response.")
                comment.auto_comment = "\n".join(([comment.auto_comment] if comment.auto_comment else []) + lines)
            gb.db.commit()
        return nb, resources


def flags_from_comment(text):
    """``{test_id: kind}`` from an automatic comment written by ``RecordGuardFlags``."""
    flags = {}
    for line in (text or "").splitlines():
        if line.startswith("[") and "] " in line and ":" in line:
            kind, rest = line[1:].split("] ", 1)
            flags[rest.split(":", 1)[0]] = kind
    return flags


def released_source(source):
    """A locked cell's source as the student received it: the hidden-tests region removed."""
    kept, hidden = [], False
    for line in source.splitlines():
        if HIDDEN[0] in line:
            hidden = True
        elif HIDDEN[1] in line:
            hidden = False
        elif not hidden:
            kept.append(line.rstrip())
    return "\n".join(kept).strip()


class QuietOverwriteCells(OverwriteCells):
    """nbgrader's OverwriteCells (locked cells put back from the gradebook), without its false alarm:
    a test cell with hidden tests always differs from the original, because the student's copy
    never had them, and nbgrader warns "checksum has changed" for each. Here only a cell that
    differs from what the student received is reported, and marked so that ``GuardedExecute``
    tells the student (a line in that cell's output)."""

    def preprocess_cell(self, cell, resources, cell_index):
        self._submitted = cell.source
        return super().preprocess_cell(cell, resources, cell_index)

    def report_change(self, name, attr, old, new):
        if attr == "checksum":
            original = self.gradebook.find_source_cell(name, self.notebook_id, self.assignment_id).source
            if released_source(self._submitted) == released_source(original):
                return  # only the hidden tests are missing: the cell is as released
            self._marked.add(name)
        super().report_change(name, attr, old, new)

    def preprocess(self, nb, resources):
        self._marked = set()
        nb, resources = super().preprocess(nb, resources)
        for cell in nb.cells:
            if _meta(cell).get("grade_id") in self._marked:
                cell.metadata[RESTORED] = True
        return nb, resources
