import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="Plan the quarter: from a target to calls, people, "
                 "budget and cash")

with app.setup:
    from pathlib import Path

    import marimo as mo
    import pandas as pd

    from roi_core.app.sources import default_workbook, try_load
    from roi_core.charts.plan import cash_curve_chart, needs_chart
    from roi_core.cohorts import latest_date
    from roi_core.errors import InputError
    from roi_core.formatting import money, number
    from roi_core.outputs.plan_excel import plan_workbook_bytes
    from roi_core.plan import Target, next_quarter, plan_label, plan_quarter, plan_table
    from roi_core.scenario import base_table


@app.cell
def _():
    mo.md("""
    # Plan the quarter

    To sign a number of clients (or earn a margin) from next quarter's prospecting: how many
    contacts, calls and people, what budget, and when does the money come back? The funnel
    runs backwards at the history's rates, each stage rounded up; variable costs follow the
    volume, fixed costs do not; clients sign after the measured sales cycle of their
    channel, and the band shows the cycle's spread.
    """)
    return


@app.cell
def _():
    _arg = mo.cli_args().get("workbook")
    workbook_path = Path(str(_arg)) if _arg else default_workbook()
    return (workbook_path,)


@app.cell
def _(workbook_path):
    data, _error = try_load(workbook_path)
    mo.stop(_error is not None, mo.callout(
        mo.md(f"**The workbook could not be loaded** (`{workbook_path.name}`)\n\n{_error}"),
        kind="danger"))
    table = base_table(data)
    _latest = latest_date(data)
    default_period = next_quarter(_latest) if _latest is not None else ("2027-01", "2027-03")
    return data, default_period, table


@app.cell
def _(default_period):
    kind = mo.ui.dropdown({"Clients": "clients", "Margin (€)": "margin",
                           "Revenue (€)": "revenue"}, value="Clients", label="Target")
    target_value = mo.ui.number(start=1, stop=10_000_000, value=30, step=1, label="to reach")
    first = mo.ui.text(value=default_period[0], label="First month (YYYY-MM)")
    months = mo.ui.slider(1, 12, value=3, show_value=True, label="Months of prospecting")
    utilisation = mo.ui.slider(0, 100, value=0, step=5, show_value=True,
                               label="Utilisation % (0 = as measured)")
    delay = mo.ui.slider(0, 6, value=0, show_value=True, label="Payment delay (months)")
    lang = mo.ui.dropdown({"Français": "fr", "English": "en"}, value="Français",
                          label="Language")
    mo.vstack([mo.hstack([kind, target_value, first, months], justify="start", gap=1),
               mo.hstack([utilisation, delay, lang], justify="start", gap=1)])
    return delay, first, kind, lang, months, target_value, utilisation


@app.cell
def _(data, delay, first, kind, months, table, target_value, utilisation):
    plan, plan_error = None, None
    try:
        _start = pd.Period(first.value.strip(), "M")
        _target = Target(kind.value, target_value.value, str(_start),
                         str(_start + months.value - 1))
        plan = plan_quarter(data, table, _target,
                            utilisation=utilisation.value / 100 or None,
                            payment_delay_months=delay.value)
    except InputError as _exc:
        plan_error = str(_exc)
    except ValueError:
        plan_error = f"'{first.value}' is not a month: use YYYY-MM, such as 2027-01."
    return plan, plan_error


@app.cell
def _(lang, plan, plan_error):
    mo.stop(plan is None, mo.callout(mo.md(f"**No plan**: {plan_error}"), kind="warn"))
    _s = plan.summary
    _l = lang.value
    _pay = _s["payback_month"]
    mo.hstack([
        mo.stat(number(_s["contacts"], _l), label=plan_label("contacts", _l),
                caption=f"{number(_s['calls'], _l)} {plan_label('calls', _l).lower()}"),
        mo.stat(number(_s["reps_needed"], _l), label=plan_label("reps_needed", _l),
                caption=f"{plan_label('hiring_gap', _l)}: {number(_s['hiring_gap'], _l)}"),
        mo.stat(money(_s["cost"], _l), label=plan_label("budget", _l)),
        mo.stat("—" if _pay is None else f"{_pay:%Y-%m}", label=plan_label("payback_month", _l),
                caption=f"{plan_label('peak_cash_need', _l)}: {money(_s['peak_cash_need'], _l)}"),
    ], justify="start", gap=1)
    return


@app.cell
def _(lang, plan):
    mo.stop(plan is None)
    mo.vstack([mo.md(f"### {plan_label('budget', lang.value)}, "
                     f"{plan_label('contacts', lang.value).lower()}, "
                     f"{plan_label('reps_needed', lang.value).lower()}"),
               mo.ui.table(plan_table(plan, lang.value), selection=None,
                           show_download=False, pagination=False),
               mo.md(f"{plan_label('calls_per_rep_month', lang.value)}: "
                     f"**{number(plan.summary['calls_per_rep_month'], lang.value)}** "
                     f"({number(plan.summary['reps'], lang.value)} "
                     f"{plan_label('reps', lang.value).lower()})")])
    return


@app.cell
def _(lang, plan):
    mo.stop(plan is None)
    _pb = plan.payback.set_index("channel").loc["total"].to_dict()
    mo.ui.altair_chart(cash_curve_chart(plan.cash, _pb, lang.value))
    return


@app.cell
def _(lang, plan):
    mo.stop(plan is None)
    mo.ui.altair_chart(needs_chart(plan.funnel, lang.value))
    return


@app.cell
def _(lang, plan):
    mo.stop(plan is None)
    mo.download(data=lambda: plan_workbook_bytes(plan, lang.value), filename="plan.xlsx",
                label="Excel (live formulas)")
    return


if __name__ == "__main__":
    app.run()
