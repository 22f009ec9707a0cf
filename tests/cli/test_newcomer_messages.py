"""Issue 16, item 15 (the messages cli.py writes): each points the right way."""

from __future__ import annotations

import pytest

from symml.cli import main


@pytest.mark.parametrize(
    ("argv", "says", "never"),
    [
        # --x0 refused nan suggesting "oo", then refused "oo" as not real
        (["minimize", "x", "--x0", "nan,inf"], "--x0: 'nan' is not a finite number", "oo"),
        (["minimize", "x", "--x0", "oo"], "--x0: 'oo' is not a finite number", "not a real"),
        (["minimize", "x**2 + y**2", "--x0", "1,inf"], "'inf' is not a finite number", "oo or"),
        (["minimize", "x", "--x0", "I"], "'I' is not a finite number", "Traceback"),
        # taylor said "give wrt", a Python argument
        (["taylor", "exp(x)*y", "--wrt", "x,y"], "--wrt x,y names 2 variables", "give wrt"),
        (["taylor", "exp(x)*y"], "has 2 variables (x, y); give --wrt with one", "give wrt"),
        # diff said "use gradient()", a Python function
        (["diff", "0/0"], "'0/0' is undefined", "gradient()"),
        (["diff", "x*y"], "has 2 variables (x, y); give --wrt with one", "gradient()"),
        (["diff", "5"], "'5' has no variable; give --wrt x", "gradient()"),
        # x/0 printed zoo with exit status 0
        (["diff", "x/0"], "'x/0' divides by zero", "Traceback"),
        (["grad", "x/0 + y"], "divides by zero", "Traceback"),
        (["integrate", "x/0", "--wrt", "x"], "divides by zero", "NoClosedFormError"),
        (["jacobian", "[x/0, y]"], "divides by zero", "Traceback"),
        (["minimize", "x/0", "--x0", "1"], "divides by zero", "Traceback"),
    ],
)
def test_messages_point_the_right_way(
    argv: list[str], says: str, never: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1
    assert says in err and never not in err


def test_a_real_start_and_one_variable_still_work(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["minimize", "(x - 1)**2", "--x0", "pi/2"]) == 0
    assert main(["taylor", "exp(x)*y", "--wrt", "x", "--order", "1"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == "x*y + y"
