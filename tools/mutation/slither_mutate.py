"""slither-mutate (slither-analyzer 0.11.6), run with one seam replaced: the compile check.

Started by tools/mutation/solidity.ts with the pinned venv's Python; see tools/mutation/README.md.
Everything else is slither-mutate's own code, unchanged: its parse of the target (crytic-compile
reading Hardhat 3's build-info), its mutators, the in-place patch of the source file, the test
command, the caught/uncaught counting, the restore of the file after each mutant.

The seam: before testing a mutant, slither-mutate checks that it compiles by calling
`crytic_compile.CryticCompile(<mutated .sol file>)`, which for a lone .sol file runs a native
`solc`. None can be downloaded here (and solc-select must never run), so that check fails for
every mutant and the campaign would count each one as "does not compile". Here the check is the
command in CM_MUTATION_BUILD instead: Hardhat's build of the mutated file and of the roots the
tests need, with the project's wasm solc. Its exit status is the answer, and the test command
that follows finds that build done.

Environment:
  CM_MUTATION_BUILD  shell command that builds the mutated project (exit 0: it compiles)
  CM_MUTATION_LIST   if "1", list the mutants instead of testing them: no file is written and
                     no test runs; each mutant is logged with the outcome LISTED
"""

import logging
import os
import subprocess
import sys

from slither.tools.mutator import __main__ as slither_mutate
from slither.tools.mutator.mutators import abstract_mutator
from slither.tools.mutator.utils import testing_generated_mutant
from slither.utils.colors import Colors

logger = logging.getLogger("Slither-Mutate")


def compile_with_hardhat(file_path: str, mappings: str | None) -> bool:  # noqa: ARG001
    """slither-mutate's compile check, answered by Hardhat's build (see the module docstring)."""
    build = os.environ["CM_MUTATION_BUILD"]
    result = subprocess.run(build, shell=True, capture_output=True, check=False)
    return result.returncode == 0


def list_patch(output_folder, file, patch, command, generator_name, *args, **kwargs):  # noqa: ARG001
    """In list mode: log the mutant as slither-mutate would, write nothing, count it caught."""
    logger.info(
        f"[{generator_name}] Line {patch['line_number']}: '{patch['old_string']}' ==> "
        f"'{patch['new_string']}' --> LISTED"
    )
    return 1


def main() -> None:
    if "CM_MUTATION_BUILD" not in os.environ:
        sys.exit("slither_mutate.py: CM_MUTATION_BUILD is not set (run tools/mutation/solidity.ts)")
    Colors.COLORIZATION_ENABLED = False  # the log is parsed
    testing_generated_mutant.compile_generated_mutant = compile_with_hardhat
    if os.environ.get("CM_MUTATION_LIST") == "1":
        abstract_mutator.test_patch = list_patch
    slither_mutate.main()


if __name__ == "__main__":
    main()
