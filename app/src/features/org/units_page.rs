//! `/wards/:ward/units`: the ward's cells and their party groups. The committee adds,
//! renames, re-codes and retires them and moves a group to another cell; the ward's
//! viewers read the tree. Plain forms: every change works without the script.

use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_meta::Title;

use super::units::*;
use super::widgets::id_param;
use crate::i18n::*;
use crate::ui::error_text::FormError;
use crate::ui::format;
use crate::ui::loaded::Loaded;

#[component]
pub fn UnitsPage() -> impl IntoView {
    let ward = id_param("ward");
    let data = Resource::new(move || ward.get(), ward_units);
    view! {
        <Loaded res=data let:w>
            <UnitsView w />
        </Loaded>
    }
}

#[component]
fn UnitsView(w: WardTree) -> impl IntoView {
    let i18n = use_i18n();
    let title = format!("{} · {}", t_string!(i18n, units.title), w.ward_name);
    let edit = w.can_edit;
    let ward = w.ward_id;
    // Where a group may move: every cell of the ward, by name.
    let targets: Vec<(i64, String)> = w.cells.iter().map(|c| (c.id, c.name.clone())).collect();
    let committee = w.committee.clone();
    view! {
        <Title text=title />
        <header class="page-header">
            <p class="page-header__crumb"><a href="/cells">{w.ward_name.clone()}</a></p>
            <h1>{t!(i18n, units.title)}</h1>
            <p class="page-header__intro">{t!(i18n, units.intro)}</p>
        </header>
        <FormError />
        {edit.then(|| view! {
            <section class="panel units-add" aria-labelledby="units-add">
                <h2 id="units-add">{t!(i18n, units.add_cell)}</h2>
                <form method="post" action=AddCell::url() class="form form--inline">
                    <input type="hidden" name="ward" value=ward />
                    <UnitFields name=String::new() code=String::new() />
                    <button type="submit" class="button button--primary">{t!(i18n, units.add_cell)}</button>
                </form>
            </section>
        })}
        {if w.cells.is_empty() {
            view! { <p class="empty">{t!(i18n, units.no_cells)}</p> }.into_any()
        } else {
            view! {
                <div class="units">
                    {w.cells.into_iter().map(|c| view! {
                        <CellPanel c edit targets=targets.clone() committee=committee.clone() />
                    }).collect_view()}
                </div>
            }.into_any()
        }}
    }
}

/// A unit's name and code fields, filled with what it holds now.
#[component]
fn UnitFields(name: String, code: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="field">
            <span class="field__label">{t!(i18n, fields.unit_name)}</span>
            <input name="name" value=name maxlength="120" required autocomplete="off" />
        </label>
        <label class="field field--short">
            <span class="field__label">{t!(i18n, fields.unit_code)}</span>
            <input name="code" value=code maxlength="32" required autocomplete="off" spellcheck="false" class="input--code" />
        </label>
    }
}

#[component]
fn CellPanel(
    c: CellUnit,
    edit: bool,
    targets: Vec<(i64, String)>,
    committee: Vec<(i64, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let heading = format!("cell-{}", c.id);
    let labelled_by = heading.clone();
    let empty = c.members == 0 && c.households == 0;
    let id = c.id;
    let version = c.version;
    let cell_name = c.name.clone();
    let steward = c.steward.clone();
    let steward_id = steward.as_ref().map(|(id, _)| *id);
    view! {
        <section class="panel unit" aria-labelledby=labelled_by>
            <header class="unit__head">
                <h2 id=heading>
                    <a href=format!("/cells/{id}")>{c.name.clone()}</a>
                </h2>
                <span class="unit__code">{c.code.clone()}</span>
            </header>
            <p class="unit__figures">
                {t!(i18n, units.cell_figures, members = format::int(c.members), households = format::int(c.households), groups = c.groups.len())}
            </p>
            <p class="unit__steward">
                {match steward {
                    Some((_, name)) => view! { {t!(i18n, units.steward)} ": " <strong>{name}</strong> }.into_any(),
                    None => view! { <span class="badge badge--warn">{t!(i18n, units.no_steward)}</span> }.into_any(),
                }}
            </p>
            {edit.then(|| view! {
                <details class="unit__edit">
                    <summary>{t!(i18n, units.manage_cell)}</summary>
                    <form method="post" action=EditUnit::url() class="form form--inline"
                        aria-label=format!("{} – {}", t_string!(i18n, units.edit_cell), cell_name.clone())>
                        <input type="hidden" name="unit" value=id />
                        <input type="hidden" name="version" value=version />
                        <UnitFields name=c.name.clone() code=c.code.clone() />
                        <button type="submit" class="button">{t!(i18n, units.save)}</button>
                    </form>
                    <form method="post" action=SetSteward::url() class="form form--inline"
                        aria-label=format!("{} – {}", t_string!(i18n, units.steward), cell_name.clone())>
                        <input type="hidden" name="cell" value=id />
                        <input type="hidden" name="version" value=version />
                        <label class="field">
                            <span class="field__label">{t!(i18n, units.steward)}</span>
                            <select name="steward">
                                <option value="" selected=steward_id.is_none()>{t!(i18n, units.nobody)}</option>
                                {committee.into_iter().map(|(u, name)| view! {
                                    <option value=u selected=steward_id == Some(u)>{name}</option>
                                }).collect_view()}
                            </select>
                        </label>
                        <button type="submit" class="button">{t!(i18n, units.give_cell)}</button>
                    </form>
                    {if empty {
                        view! { <RetireForm unit=id version label=t_string!(i18n, units.retire_cell).to_string() /> }.into_any()
                    } else {
                        view! { <p class="muted">{t!(i18n, units.retire_cell_hint)}</p> }.into_any()
                    }}
                </details>
            })}
            <h3 class="unit__groups-title">{t!(i18n, units.groups)}</h3>
            {if c.groups.is_empty() {
                view! { <p class="muted">{t!(i18n, units.no_groups)}</p> }.into_any()
            } else {
                view! {
                    <ul class="unit__groups">
                        {c.groups.into_iter().map(|g| view! {
                            <GroupRow g edit cell=id targets=targets.clone() />
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {edit.then(|| view! {
                <details class="unit__edit">
                    <summary>{t!(i18n, units.add_group)}</summary>
                    <form method="post" action=AddGroup::url() class="form form--inline"
                        aria-label=format!("{} – {}", t_string!(i18n, units.add_group), cell_name)>
                        <input type="hidden" name="cell" value=id />
                        <UnitFields name=String::new() code=String::new() />
                        <button type="submit" class="button button--primary">{t!(i18n, units.add_group)}</button>
                    </form>
                </details>
            })}
        </section>
    }
}

#[component]
fn GroupRow(g: GroupUnit, edit: bool, cell: i64, targets: Vec<(i64, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let id = g.id;
    let version = g.version;
    let others: Vec<(i64, String)> = targets.into_iter().filter(|(t, _)| *t != cell).collect();
    view! {
        <li class="unit__group">
            <div class="unit__group-line">
                <strong>{g.name.clone()}</strong>
                <span class="unit__code">{g.code.clone()}</span>
                <span class="muted">{t!(i18n, units.group_members, members = format::int(g.members))}</span>
            </div>
            {edit.then(|| view! {
                <details class="unit__edit">
                    <summary>{t!(i18n, units.edit_group)}<span class="visually-hidden">" "{g.name.clone()}</span></summary>
                    <form method="post" action=EditUnit::url() class="form form--inline">
                        <input type="hidden" name="unit" value=id />
                        <input type="hidden" name="version" value=version />
                        <UnitFields name=g.name.clone() code=g.code.clone() />
                        <button type="submit" class="button">{t!(i18n, units.save)}</button>
                    </form>
                    {(!others.is_empty()).then(|| view! {
                        <form method="post" action=MoveGroup::url() class="form form--inline">
                            <input type="hidden" name="group" value=id />
                            <input type="hidden" name="version" value=version />
                            <label class="field">
                                <span class="field__label">{t!(i18n, fields.target_cell)}</span>
                                <select name="cell">
                                    {others.clone().into_iter().map(|(t, name)| view! { <option value=t>{name}</option> }).collect_view()}
                                </select>
                            </label>
                            <button type="submit" class="button">{t!(i18n, units.move_group)}</button>
                        </form>
                    })}
                    {if g.members == 0 {
                        view! { <RetireForm unit=id version label=t_string!(i18n, units.retire_group).to_string() /> }.into_any()
                    } else {
                        view! { <p class="muted">{t!(i18n, units.retire_group_hint)}</p> }.into_any()
                    }}
                </details>
            })}
        </li>
    }
}

/// Retires a cell or a group that holds nothing any more, from the version it was shown.
#[component]
fn RetireForm(unit: i64, version: i64, label: String) -> impl IntoView {
    view! {
        <form method="post" action=RetireUnit::url() class="unit__retire">
            <input type="hidden" name="unit" value=unit />
            <input type="hidden" name="version" value=version />
            <button type="submit" class="button button--danger">{label}</button>
        </form>
    }
}
