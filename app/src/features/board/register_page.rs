//! `/cells/:cell/register`: the printable register of assignments (sổ theo dõi), now or as
//! of a chosen day.

use leptos::prelude::*;

use crate::ui::print::PrintButton;
use leptos_router::hooks::use_query_map;

use super::api::get_register;
use super::model::Register;
use crate::features::org::widgets::{id_param, status_label};
use crate::i18n::*;
use crate::ui::loaded::Loaded;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let cell = id_param("cell");
    let query = use_query_map();
    let date = Memo::new(move |_| query.with(|q| q.get("date").unwrap_or_default()));
    let register = Resource::new(
        move || (cell.get(), date.get()),
        |(c, d)| get_register(c, d),
    );
    view! {
        <Loaded res=register let:r>
            <RegisterView r cell=cell.get_untracked() date=date.get_untracked() />
        </Loaded>
    }
}

#[component]
fn RegisterView(r: Register, cell: i64, date: String) -> impl IntoView {
    let i18n = use_i18n();
    let assigned: usize = r.rows.iter().map(|row| row.households.len()).sum();
    let members = r.rows.len();
    let total = r.total_households;
    let mut n = 0;
    let rows = r
        .rows
        .iter()
        .map(|row| {
            n += 1;
            let span = row.households.len().max(1);
            let status = row.member_status;
            let first = row.households.first().cloned();
            let rest: Vec<_> = row.households.iter().skip(1).cloned().collect();
            let member = row.member.clone();
            let number = n;
            view! {
                <tr>
                    <td rowspan=span class="num">{number}</td>
                    <td rowspan=span>
                        <strong>{member}</strong>
                        {(status != crate::features::org::model::MemberStatus::Active)
                            .then(|| view! { <br /><small>{move || status_label(i18n, status)}</small> })}
                    </td>
                    {first.map(|e| entry_cells(i18n, e))}
                </tr>
                {rest.into_iter().map(|e| view! { <tr>{entry_cells(i18n, e)}</tr> }).collect_view()}
            }
        })
        .collect_view();
    view! {
        <leptos_meta::Title text=format!("{} · {}", t_string!(i18n, register.title), r.cell_name) />
        <form method="get" class="register__controls no-print">
            <a class="button button--quiet" href=format!("/cells/{cell}/board")>"← "{t!(i18n, nav.board)}</a>
            <label class="field">
                <span class="field__label">{t!(i18n, register.choose_date)}</span>
                <input type="date" name="date" value=date />
            </label>
            <button type="submit" class="button">{t!(i18n, register.show)}</button>
            <PrintButton label=t_string!(i18n, register.print).to_string() />
        </form>
        <article class="register" tabindex="0" aria-labelledby="register-title">
            <header class="register__head">
                <div>
                    <p class="register__org">{r.ward_name.clone()}</p>
                    <p class="register__org"><strong>{r.cell_name.clone()}</strong></p>
                </div>
                <p class="register__party">{t!(i18n, register.party)}</p>
            </header>
            <h1 class="register__title" id="register-title">{t!(i18n, register.title)}</h1>
            <p class="register__date">{t!(i18n, register.as_of, date = r.as_of.clone())}</p>
            {if r.rows.is_empty() {
                view! { <p class="empty">{t!(i18n, register.empty)}</p> }.into_any()
            } else {
                view! {
                    <table class="register__table">
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, register.no)}</th>
                                <th scope="col">{t!(i18n, register.member)}</th>
                                <th scope="col">{t!(i18n, register.households)}</th>
                                <th scope="col">{t!(i18n, register.address)}</th>
                                <th scope="col">{t!(i18n, register.since)}</th>
                                <th scope="col">{t!(i18n, register.mode)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                }
                .into_any()
            }}
            <p class="register__totals">{t!(i18n, register.totals, households = total, assigned = assigned, members = members)}</p>
            {(!r.unassigned.is_empty()).then(|| {
                let list = r.unassigned.clone();
                view! {
                    <h2 class="register__subtitle">{t!(i18n, register.unassigned)}</h2>
                    <ol class="register__unassigned">
                        {list.into_iter().map(|e| view! { <li>{e.label}", "{e.address}</li> }).collect_view()}
                    </ol>
                }
            })}
            <footer class="register__signatures">
                <div>
                    <p><strong>{t!(i18n, register.made_by)}</strong></p>
                    <p class="muted">{t!(i18n, register.sign)}</p>
                </div>
                <div>
                    <p><strong>{t!(i18n, register.secretary)}</strong></p>
                    <p class="muted">{t!(i18n, register.sign)}</p>
                </div>
            </footer>
        </article>
    }
}

fn entry_cells(
    i18n: leptos_i18n::I18nContext<Locale>,
    e: super::model::RegisterEntry,
) -> impl IntoView {
    let nr = e.non_regular;
    view! {
        <td>{e.label}</td>
        <td>{e.address}</td>
        <td>{e.since}</td>
        <td>{move || if nr { t_string!(i18n, register.non_regular) } else { t_string!(i18n, register.regular) }}</td>
    }
}
