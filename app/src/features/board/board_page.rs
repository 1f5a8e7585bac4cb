//! `/cells/:cell/board`: the cell's assignment board.

use leptos::prelude::*;

use super::api::get_board;
use super::board_island::{Board, DATA_ID, data_script};
use crate::features::org::widgets::{CellFrame, CellTab, id_param};
use crate::i18n::*;
use crate::ui::status_page::ErrorPanel;

#[component]
pub fn BoardPage() -> impl IntoView {
    let i18n = use_i18n();
    let cell = id_param("cell");
    let data = Resource::new(move || cell.get(), get_board);
    view! {
        <CellFrame tab=CellTab::Board>
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, board.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(data) => {
                            let cell = data.cell;
                            let json = data_script(&data);
                            // The island reads it from here on the server (context) and in
                            // the browser (the script element).
                            provide_context(data);
                            view! {
                                <script type="application/json" id=DATA_ID inner_html=json></script>
                                <Board cell />
                            }
                            .into_any()
                        }
                        Err(err) => view! { <ErrorPanel err /> }.into_any(),
                    }
                })}
            </Suspense>
        </CellFrame>
    }
}
